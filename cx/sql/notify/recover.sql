UPDATE notifications SET status = 'pending' WHERE status = 'sending' RETURNING notification_id
