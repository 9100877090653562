-- Stores a user may pick in the filter bar (scope applied).
SELECT store_id, name, region, city, format
FROM stores
WHERE ($scope_stores IS NULL OR list_contains($scope_stores, store_id))
ORDER BY region, city, store_id
