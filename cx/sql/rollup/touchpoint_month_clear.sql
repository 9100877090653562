-- The touchpoint_month rows of the whole months overlapping [$start, $end) (recomputed by touchpoint_month_fill.sql).
DELETE FROM touchpoint_month
WHERE month >= CAST(date_trunc('month', CAST($start AS TIMESTAMP)) AS DATE) AND month < CAST($end AS TIMESTAMP)
