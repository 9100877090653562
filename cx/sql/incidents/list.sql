-- Incidents overlapping [$start, $end) at stores the filter bar and the user's scope allow.
SELECT i.*, s.name AS store_name, s.region, s.city
FROM incidents i JOIN stores s USING (store_id)
WHERE i.start_at < CAST($end AS DATE) AND coalesce(i.end_at, i.last_flagged) >= CAST($start AS DATE)
  AND ($regions IS NULL OR list_contains($regions, s.region))
  AND ($stores IS NULL OR list_contains($stores, i.store_id))
  AND ($formats IS NULL OR list_contains($formats, coalesce(s.format, $no_format)))
  AND ($scope_stores IS NULL OR list_contains($scope_stores, i.store_id))
ORDER BY CASE i.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, i.status = 'subsided', i.start_at DESC
