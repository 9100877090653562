SELECT min(created_at), max(created_at) FROM feedback WHERE feedback_id IN (SELECT feedback_id FROM staged_upd)
