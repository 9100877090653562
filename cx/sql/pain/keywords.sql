-- Keyword table: how often each word appears, and how often in a negative clause. Whole months of an
-- unnarrowed view come from the word roll-up (wm), everything else from the rows (fw). With $touchpoint, only
-- the feedback that mentions that touchpoint (the same rows as the word cloud's drill-down).
, w AS (
    SELECT word, total, negative FROM wm WHERE $touchpoint IS NULL
    UNION ALL
    SELECT unnest(keywords), 1, 0 FROM fw WHERE $touchpoint IS NULL AND keywords IS NOT NULL
    UNION ALL
    SELECT unnest(neg_keywords), 0, 1 FROM fw WHERE $touchpoint IS NULL AND neg_keywords IS NOT NULL
    UNION ALL
    SELECT unnest(keywords), 1, 0 FROM f
    WHERE $touchpoint IS NOT NULL AND keywords IS NOT NULL
      AND feedback_id IN (SELECT feedback_id FROM ft WHERE touchpoint = $touchpoint)
    UNION ALL
    SELECT unnest(neg_keywords), 0, 1 FROM f
    WHERE $touchpoint IS NOT NULL AND neg_keywords IS NOT NULL
      AND feedback_id IN (SELECT feedback_id FROM ft WHERE touchpoint = $touchpoint)
)
SELECT word, sum(total) AS total, sum(negative) AS negative
FROM w GROUP BY 1
HAVING sum(total) > 0
ORDER BY 3 DESC, 2 DESC, 1
LIMIT $limit
