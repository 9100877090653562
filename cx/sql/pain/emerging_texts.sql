-- Texts of the current and the previous period for emerging topics (cx/emerging_topics.py): all texts of a
-- period when it has at most $cap, otherwise a fixed uniform random sample of $cap spread over the whole period
-- (ordered by a hash of the feedback id: the same sample on every view, not the newest days only), with each
-- period's number of texts so the caller can say that it read a sample.
, cur AS (
    SELECT feedback_id, created_at, text, true AS now FROM f
    WHERE created_at >= $current_start AND text IS NOT NULL
    ORDER BY hash(feedback_id), feedback_id LIMIT $cap
), prev AS (
    SELECT feedback_id, created_at, text, false AS now FROM f
    WHERE created_at < $current_start AND text IS NOT NULL
    ORDER BY hash(feedback_id), feedback_id LIMIT $cap
), totals AS (
    SELECT created_at >= $current_start AS now, count(*) AS period_total FROM f WHERE text IS NOT NULL GROUP BY 1
)
SELECT x.feedback_id, x.created_at, x.text, x.now, t.period_total
FROM (SELECT * FROM cur UNION ALL SELECT * FROM prev) x JOIN totals t USING (now)
ORDER BY x.created_at, x.feedback_id
