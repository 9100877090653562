-- Per store × touchpoint: feedback mentioning it, how many negatively and how many only positively (for
-- 短板/长板 verdicts); whole months from the touchpoint roll-up (tm), the rest from rows (ftw).
, t AS (
    SELECT store_id, touchpoint, n, negative, positive FROM tm WHERE store_id IS NOT NULL
    UNION ALL
    SELECT store_id, touchpoint, 1, CAST(worst < 0 AS INT), CAST(best > 0 AND worst >= 0 AS INT) FROM ftw WHERE store_id IS NOT NULL
)
SELECT store_id, touchpoint, sum(n) AS n, sum(negative) AS negative, sum(positive) AS positive FROM t GROUP BY 1, 2
