-- Claim the due pending notifications (committed before sending: a crash leaves them in 'sending').
UPDATE notifications SET status = 'sending', attempts = attempts + 1
WHERE notification_id IN (SELECT notification_id FROM notifications
                          WHERE status = 'pending' AND next_attempt_at <= $now ORDER BY created_at LIMIT $limit)
RETURNING *
