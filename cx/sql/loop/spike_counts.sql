-- Store × touchpoint days in [$hot_since, $until) with at least $min_today negative mentions, each with the
-- counts of the previous $window_days days (the baseline its negative rate is tested against).
WITH daily AS (
    SELECT store_id, touchpoint, CAST(created_at AS DATE) AS day, count(*) AS n,
           count(*) FILTER (WHERE worst < 0) AS negative,
           CAST(created_at AS DATE) - DATE '1970-01-01' AS epoch_days
    FROM feedback_touchpoints
    WHERE created_at >= CAST($hot_since AS TIMESTAMP) - to_days(CAST($window_days AS INTEGER))
      AND created_at < $until AND store_id IS NOT NULL
    GROUP BY 1, 2, 3, 6
), windowed AS (
    SELECT *,
           coalesce(sum(n) OVER w, 0) AS base_n,
           coalesce(sum(negative) OVER w, 0) AS base_negative
    FROM daily
    WINDOW w AS (PARTITION BY store_id, touchpoint ORDER BY epoch_days
                 RANGE BETWEEN $window_days PRECEDING AND 1 PRECEDING)
)
SELECT store_id, touchpoint, day, n, negative, base_n, base_negative
FROM windowed
WHERE negative >= $min_today AND day >= CAST($hot_since AS DATE)
ORDER BY day, store_id, touchpoint
