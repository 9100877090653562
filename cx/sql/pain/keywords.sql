-- Keyword table: how often each word appears, and how often in a negative clause. Whole months of an
-- unnarrowed view come from the word roll-up (wm), everything else from the rows (fw).
, w AS (
    SELECT word, total, negative FROM wm
    UNION ALL
    SELECT unnest(keywords), 1, 0 FROM fw WHERE keywords IS NOT NULL
    UNION ALL
    SELECT unnest(neg_keywords), 0, 1 FROM fw WHERE neg_keywords IS NOT NULL
)
SELECT word, sum(total) AS total, sum(negative) AS negative
FROM w GROUP BY 1
HAVING sum(total) > 0
ORDER BY 3 DESC, 2 DESC, 1
LIMIT $limit
