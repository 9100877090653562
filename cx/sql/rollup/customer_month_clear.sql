-- The customer_month rows of the whole months overlapping [$start, $end) (recomputed by customer_month_fill.sql).
DELETE FROM customer_month
WHERE month >= CAST(date_trunc('month', CAST($start AS TIMESTAMP)) AS DATE) AND month < CAST($end AS TIMESTAMP)
