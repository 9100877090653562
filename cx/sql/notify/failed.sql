UPDATE notifications SET status = $status, next_attempt_at = $next, last_error = $error WHERE notification_id = $id
