-- One notification; the id is the idempotency key (event × channel × target): a second enqueue adds nothing.
INSERT INTO notifications (notification_id, event_key, kind, channel, target, subject, body, attachment,
                           next_attempt_at, created_at)
VALUES ($id, $event_key, $kind, $channel, $target, $subject, $body, $attachment, $now, $now)
ON CONFLICT DO NOTHING
