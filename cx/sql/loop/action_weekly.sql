-- Weekly (split exactly at the action date) negative rate of one touchpoint for the treated stores vs
-- control stores, plus NPS counts. Mentions come from the feedback × touchpoint rows and NPS from the
-- survey rows, each on its own (joining the two, or grouping the mentions table, cost 0.2–0.7 s at 10 M).
, g AS (
    -- store groups as a join, not two list_contains per row (the control list is most of the chain)
    SELECT unnest($treated) AS store_id, TRUE AS treated
    UNION ALL
    SELECT unnest($control), FALSE
), t AS (
    SELECT g.treated, ft.created_at, 1 AS mentions, CAST(ft.worst < 0 AS INT) AS negative,
           0 AS nps_n, 0 AS promoters, 0 AS passives, 0 AS detractors
    FROM ft JOIN g USING (store_id)
    WHERE ft.touchpoint = $touchpoint
    UNION ALL
    SELECT g.treated, f.created_at, 0, 0, 1, CAST(f.nps >= 9 AS INT), CAST(f.nps BETWEEN 7 AND 8 AS INT),
           CAST(f.nps <= 6 AS INT)
    FROM f JOIN g USING (store_id)
    WHERE f.nps IS NOT NULL
)
SELECT treated, created_at >= $action_date AS after, date_trunc('week', created_at) AS week,
       sum(mentions) AS mentions, sum(negative) AS negative, sum(nps_n) AS nps_n, sum(promoters) AS promoters,
       sum(passives) AS passives, sum(detractors) AS detractors
FROM t GROUP BY 1, 2, 3 ORDER BY 3, 1, 2
