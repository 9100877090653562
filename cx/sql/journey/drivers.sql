-- Per touchpoint, NPS of survey answers that mention it negatively vs all other NPS answers (as sums, so
-- means and variances come out without moving rows), plus positive/negative mention counts.
, s AS (SELECT feedback_id, CAST(nps AS DOUBLE) AS y FROM f WHERE nps IS NOT NULL),
  tot AS (SELECT count(*) AS n, sum(y) AS sy, sum(y * y) AS syy FROM s),
  m AS (
    SELECT m.feedback_id, m.touchpoint, min(m.polarity) AS worst, max(m.polarity) AS best
    FROM mentions m JOIN s USING (feedback_id)
    GROUP BY 1, 2
  )
SELECT m.touchpoint,
       count(*)                                              AS mentions,
       count(*) FILTER (WHERE worst < 0)                     AS n_neg,
       count(*) FILTER (WHERE best > 0 AND worst >= 0)       AS n_pos,
       coalesce(sum(s.y) FILTER (WHERE worst < 0), 0)        AS sy_neg,
       coalesce(sum(s.y * s.y) FILTER (WHERE worst < 0), 0)  AS syy_neg,
       any_value(tot.n) AS n_all, any_value(tot.sy) AS sy_all, any_value(tot.syy) AS syy_all
FROM m JOIN s USING (feedback_id) CROSS JOIN tot
GROUP BY 1
