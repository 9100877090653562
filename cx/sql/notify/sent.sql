UPDATE notifications SET status = 'sent', sent_at = $at, last_error = NULL WHERE notification_id = $id
