-- One page of texts for re-analysis, in storage order.
SELECT feedback_id, text FROM feedback WHERE text IS NOT NULL ORDER BY created_at, feedback_id
LIMIT $limit OFFSET $offset
