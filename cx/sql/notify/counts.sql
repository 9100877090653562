SELECT status, count(*) FROM notifications GROUP BY status
