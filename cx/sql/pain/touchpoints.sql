-- Per touchpoint: feedback mentioning it, and how many of those mention it negatively/positively; whole
-- months from the touchpoint roll-up (tm), the rest from rows (ftw).
, t AS (
    SELECT touchpoint, n, negative, positive FROM tm
    UNION ALL
    SELECT touchpoint, 1, CAST(worst < 0 AS INT), CAST(best > 0 AND worst >= 0 AS INT) FROM ftw
)
SELECT touchpoint, sum(n) AS n, sum(negative) AS negative, sum(positive) AS positive FROM t GROUP BY 1
