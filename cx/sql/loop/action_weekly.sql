-- Weekly (split exactly at the action date) negative rate of one touchpoint for the treated stores vs control stores, plus NPS counts.
, m AS (
    SELECT m.feedback_id, min(m.polarity) AS worst FROM mentions m WHERE m.touchpoint = $touchpoint GROUP BY 1
), t AS (
    SELECT f.feedback_id, f.created_at, f.nps, list_contains($treated, f.store_id) AS treated, m.worst
    FROM f LEFT JOIN m USING (feedback_id)
    WHERE f.store_id IS NOT NULL AND (list_contains($treated, f.store_id) OR list_contains($control, f.store_id))
)
SELECT treated, created_at >= $action_date AS after, date_trunc('week', created_at) AS week,
       count(worst) AS mentions, count(*) FILTER (WHERE worst < 0) AS negative,
       count(nps) AS nps_n, count(*) FILTER (WHERE nps >= 9) AS promoters,
       count(*) FILTER (WHERE nps BETWEEN 7 AND 8) AS passives, count(*) FILTER (WHERE nps <= 6) AS detractors
FROM t GROUP BY 1, 2, 3 ORDER BY 3, 1, 2
