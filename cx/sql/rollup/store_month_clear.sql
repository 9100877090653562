-- The store_month rows of the whole months overlapping [$start, $end) (recomputed by store_month_fill.sql).
DELETE FROM store_month
WHERE month >= CAST(date_trunc('month', CAST($start AS TIMESTAMP)) AS DATE) AND month < CAST($end AS TIMESTAMP)
