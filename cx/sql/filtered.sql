-- Prefix for every feedback query: the filter bar and the user's scope, as bound parameters — the one
-- place where they become SQL. f = feedback rows; ft = feedback × touchpoint rows under the same filter.
WITH f AS (
    SELECT fb.*, s.region, s.city, s.format, s.name AS store_name
    FROM feedback fb
    LEFT JOIN stores s USING (store_id)
    WHERE fb.created_at >= $start AND fb.created_at < $end
      AND ($regions IS NULL OR list_contains($regions, s.region))
      AND ($stores IS NULL OR list_contains($stores, fb.store_id))
      AND ($sources IS NULL OR list_contains($sources, fb.source))
      AND ($channels IS NULL OR list_contains($channels, fb.channel))
      AND ($formats IS NULL OR list_contains($formats, s.format))
      AND ($scope_stores IS NULL OR list_contains($scope_stores, fb.store_id))
), ft AS (
    SELECT t.*, s.region, s.format
    FROM feedback_touchpoints t
    LEFT JOIN stores s USING (store_id)
    WHERE t.created_at >= $start AND t.created_at < $end
      AND ($regions IS NULL OR list_contains($regions, s.region))
      AND ($stores IS NULL OR list_contains($stores, t.store_id))
      AND ($sources IS NULL OR list_contains($sources, t.source))
      AND ($channels IS NULL OR list_contains($channels, t.channel))
      AND ($formats IS NULL OR list_contains($formats, s.format))
      AND ($scope_stores IS NULL OR list_contains($scope_stores, t.store_id))
)
