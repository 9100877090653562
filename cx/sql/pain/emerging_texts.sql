-- Texts of the current and the previous period for emerging topics (cx/emerging_topics.py): the newest
-- $cap of each period, with the period's total so the caller can say when it read a sample.
, t AS (
    SELECT feedback_id, created_at, text, created_at >= $current_start AS now,
           row_number() OVER (PARTITION BY created_at >= $current_start ORDER BY created_at DESC, feedback_id) AS rn,
           count(*) OVER (PARTITION BY created_at >= $current_start) AS period_total
    FROM f
    WHERE text IS NOT NULL AND length(text) > 1
)
SELECT feedback_id, created_at, text, now, period_total FROM t WHERE rn <= $cap ORDER BY created_at
