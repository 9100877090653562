-- Negative mentions per touchpoint in the current period [start, end) and the previous one [prev_start, start).
, g AS (
    SELECT fb.feedback_id, fb.created_at >= $start AS current
    FROM feedback fb LEFT JOIN stores s USING (store_id)
    WHERE fb.created_at >= $prev_start AND fb.created_at < $end
      AND ($regions IS NULL OR list_contains($regions, s.region))
      AND ($stores IS NULL OR list_contains($stores, fb.store_id))
      AND ($sources IS NULL OR list_contains($sources, fb.source))
      AND ($channels IS NULL OR list_contains($channels, fb.channel))
      AND ($formats IS NULL OR list_contains($formats, s.format))
      AND ($scope_stores IS NULL OR list_contains($scope_stores, fb.store_id))
), m AS (
    SELECT m.feedback_id, g.current, m.touchpoint, min(m.polarity) AS worst
    FROM mentions m JOIN g USING (feedback_id)
    GROUP BY 1, 2, 3
)
SELECT touchpoint,
       count(*) FILTER (WHERE current) AS n_now, count(*) FILTER (WHERE current AND worst < 0) AS neg_now,
       count(*) FILTER (WHERE NOT current) AS n_before, count(*) FILTER (WHERE NOT current AND worst < 0) AS neg_before
FROM m GROUP BY 1
