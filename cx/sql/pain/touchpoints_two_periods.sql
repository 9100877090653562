-- Negative mentions per touchpoint now [start, end) vs the previous period [prev_start, start): the filter
-- CTE is run with start = prev_start, so `ft` spans both periods.
SELECT touchpoint,
       count(*) FILTER (WHERE created_at >= $current_start) AS n_now,
       count(*) FILTER (WHERE created_at >= $current_start AND worst < 0) AS neg_now,
       count(*) FILTER (WHERE created_at < $current_start) AS n_before,
       count(*) FILTER (WHERE created_at < $current_start AND worst < 0) AS neg_before
FROM ft GROUP BY 1
