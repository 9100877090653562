-- Words from negative clauses (optionally of one touchpoint's feedback), for word clouds.
, w AS (
    SELECT unnest(neg_keywords) AS word FROM f
    WHERE neg_keywords IS NOT NULL
      AND ($touchpoint IS NULL OR feedback_id IN (SELECT feedback_id FROM mentions WHERE touchpoint = $touchpoint AND polarity < 0))
)
SELECT word, count(*) AS n FROM w GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $limit
