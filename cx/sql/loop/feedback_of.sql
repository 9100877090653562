SELECT feedback_id, created_at, channel, source, text FROM feedback WHERE feedback_id = $feedback_id
