-- Recompute the store_month rows of the whole months overlapping [$start, $end).
INSERT INTO store_month
SELECT * FROM store_month_counts(date_trunc('month', CAST($start AS TIMESTAMP)),
                                 date_trunc('month', CAST($end AS TIMESTAMP) - INTERVAL 1 MICROSECOND) + INTERVAL 1 MONTH)
