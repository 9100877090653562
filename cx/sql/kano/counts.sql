SELECT feature, functional, dysfunctional, count(*) AS n
FROM kano_answers
WHERE created_at >= $start AND created_at < $end
  AND ($scope_stores IS NULL OR list_contains($scope_stores, store_id))
  AND ($stores IS NULL OR list_contains($stores, store_id))
GROUP BY 1, 2, 3
