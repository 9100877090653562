SELECT feedback_id FROM feedback WHERE feedback_id IN (SELECT feedback_id FROM staged_ids)
