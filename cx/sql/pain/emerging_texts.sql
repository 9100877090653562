-- Texts of the current and the previous period for emerging topics (cx/emerging_topics.py): the newest
-- $cap of each period (two top-N reads, no window over the whole period), with each period's number of
-- texts so the caller can say when it read a sample.
, cur AS (
    SELECT feedback_id, created_at, text, true AS now FROM f
    WHERE created_at >= $current_start AND text IS NOT NULL
    ORDER BY created_at DESC, feedback_id LIMIT $cap
), prev AS (
    SELECT feedback_id, created_at, text, false AS now FROM f
    WHERE created_at < $current_start AND text IS NOT NULL
    ORDER BY created_at DESC, feedback_id LIMIT $cap
), totals AS (
    SELECT created_at >= $current_start AS now, count(*) AS period_total FROM f WHERE text IS NOT NULL GROUP BY 1
)
SELECT x.feedback_id, x.created_at, x.text, x.now, t.period_total
FROM (SELECT * FROM cur UNION ALL SELECT * FROM prev) x JOIN totals t USING (now)
ORDER BY x.created_at
