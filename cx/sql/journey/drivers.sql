-- Per touchpoint, NPS of survey answers that mention it negatively vs all other NPS answers (as sums, so
-- means and variances come out without moving rows), plus positive/negative mention counts.
, tot AS (SELECT count(nps) AS n, sum(nps::DOUBLE) AS sy, sum(nps::DOUBLE * nps) AS syy FROM f WHERE nps IS NOT NULL)
SELECT touchpoint,
       count(*)                                                   AS mentions,
       count(*) FILTER (WHERE worst < 0)                          AS n_neg,
       count(*) FILTER (WHERE best > 0 AND worst >= 0)            AS n_pos,
       coalesce(sum(nps::DOUBLE) FILTER (WHERE worst < 0), 0)     AS sy_neg,
       coalesce(sum(nps::DOUBLE * nps) FILTER (WHERE worst < 0), 0) AS syy_neg,
       any_value(tot.n) AS n_all, any_value(tot.sy) AS sy_all, any_value(tot.syy) AS syy_all
FROM ft CROSS JOIN tot
WHERE nps IS NOT NULL
GROUP BY 1
