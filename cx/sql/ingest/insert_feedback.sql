-- Insert staged feedback rows that the store does not hold yet (idempotent re-import).
INSERT INTO feedback (feedback_id, source, channel, store_id, created_at, customer_key, segment,
                      nps, csat, ces, rating, text, import_id, sentiment, sentiment_label, keywords, neg_keywords,
                      csat_raw, ces_raw, rating_raw)
SELECT feedback_id, source, channel, store_id, CAST(created_at AS TIMESTAMP), customer_key, segment,
       CAST(nps AS TINYINT), CAST(csat AS TINYINT), CAST(ces AS TINYINT), CAST(rating AS DOUBLE), text,
       $import_id, sentiment, CAST(sentiment_label AS TINYINT), CAST(keywords AS VARCHAR[]), CAST(neg_keywords AS VARCHAR[]),
       csat_raw, ces_raw, rating_raw
FROM staged
WHERE feedback_id NOT IN (SELECT feedback_id FROM feedback)
RETURNING feedback_id
