SELECT notification_id, created_at, kind, channel, target, subject, status, attempts, next_attempt_at, sent_at,
       last_error
FROM notifications ORDER BY created_at DESC, notification_id LIMIT $limit
