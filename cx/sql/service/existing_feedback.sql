SELECT feedback_id FROM feedback WHERE feedback_id IN (SELECT unnest($ids::VARCHAR[]))
