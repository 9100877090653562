-- Apply updates (same id, changed content) in place; the analysis columns come from the new text.
UPDATE feedback AS f
SET channel = s.channel, store_id = s.store_id, created_at = CAST(s.created_at AS TIMESTAMP),
    customer_key = s.customer_key, segment = s.segment,
    nps = CAST(s.nps AS TINYINT), csat = CAST(s.csat AS TINYINT), ces = CAST(s.ces AS TINYINT),
    rating = CAST(s.rating AS DOUBLE), text = s.text,
    csat_raw = s.csat_raw, ces_raw = s.ces_raw, rating_raw = s.rating_raw, import_id = $import_id,
    sentiment = s.sentiment, sentiment_label = CAST(s.sentiment_label AS TINYINT),
    keywords = CAST(s.keywords AS VARCHAR[]), neg_keywords = CAST(s.neg_keywords AS VARCHAR[])
FROM staged AS s
WHERE f.feedback_id = s.feedback_id AND s.feedback_id IN (SELECT feedback_id FROM staged_upd)
