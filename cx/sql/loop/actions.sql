SELECT a.*, s.name AS store_name, coalesce(a.region, s.region) AS scope_region
FROM actions a LEFT JOIN stores s USING (store_id)
WHERE $scope_stores IS NULL OR list_contains($scope_stores, a.store_id)
   OR (a.store_id IS NULL AND a.region IN (SELECT region FROM stores WHERE list_contains($scope_stores, store_id)))
ORDER BY a.start_date DESC
