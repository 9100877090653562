-- Recompute the word_month rows of the whole months overlapping [$start, $end).
INSERT INTO word_month
SELECT * FROM word_month_counts(date_trunc('month', CAST($start AS TIMESTAMP)),
                                date_trunc('month', CAST($end AS TIMESTAMP) - INTERVAL 1 MICROSECOND) + INTERVAL 1 MONTH)
