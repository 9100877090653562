-- The newest feedback behind a touchpoint / polarity / store choice: ids, times and worst polarity only
-- (their texts come from verbatim_texts.sql). Grouping every ft row of the period by feedback cost ~0.7 s
-- at 10 M, so the rows are read as a top-N first.
, cand AS (
    -- $fetch bounds the read where the newest $limit feedback are sure to lie inside (see
    -- painpoints.verbatims); NULL reads them all. The same row condition is in verbatim_texts.sql.
    SELECT feedback_id, created_at, worst
    FROM ft
    WHERE ($touchpoint IS NULL OR touchpoint = $touchpoint)
      AND ($polarity IS NULL OR ($polarity < 0 AND worst < 0) OR ($polarity >= 0 AND ($touchpoint IS NULL OR worst >= 0)))
    ORDER BY created_at DESC, feedback_id
    LIMIT $fetch
)
SELECT feedback_id, max(created_at) AS created_at, min(worst) AS worst
FROM cand
GROUP BY 1
HAVING $polarity IS NULL OR ($polarity < 0 AND min(worst) < 0) OR ($polarity >= 0 AND min(worst) >= 0)
ORDER BY created_at DESC, feedback_id
LIMIT $limit OFFSET $offset
