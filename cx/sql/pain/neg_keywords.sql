-- Words from negative clauses (optionally of one touchpoint's feedback), for word clouds. Without a
-- touchpoint, whole months of an unnarrowed view come from the word roll-up (wm).
, w AS (
    SELECT word, negative AS n FROM wm WHERE $touchpoint IS NULL AND negative > 0
    UNION ALL
    SELECT unnest(neg_keywords), 1 FROM fw WHERE $touchpoint IS NULL AND neg_keywords IS NOT NULL
    UNION ALL
    SELECT unnest(neg_keywords), 1 FROM f
    WHERE $touchpoint IS NOT NULL AND neg_keywords IS NOT NULL
      AND feedback_id IN (SELECT feedback_id FROM ft WHERE touchpoint = $touchpoint AND worst < 0)
)
SELECT word, sum(n) AS n FROM w GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $limit
