INSERT INTO feedback (feedback_id, source, channel, store_id, created_at, customer_key, segment, nps, csat, ces,
                      rating, text, import_id, sentiment, sentiment_label, keywords, neg_keywords)
SELECT feedback_id, source, channel, store_id, created_at, customer_key, segment, nps, csat, ces,
       rating, text, import_id, sentiment, CAST(sentiment_label AS TINYINT), CAST(keywords AS VARCHAR[]),
       CAST(neg_keywords AS VARCHAR[])
FROM demo_chunk
