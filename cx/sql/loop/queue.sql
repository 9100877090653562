-- Tickets visible to a user (scope), optionally by level, status and store/region filters; newest first.
SELECT t.*, s.name AS store_name, s.region
FROM tickets t LEFT JOIN stores s USING (store_id)
WHERE ($scope_stores IS NULL OR list_contains($scope_stores, t.store_id))
  AND ($levels IS NULL OR list_contains($levels, t.owner_level))
  AND ($statuses IS NULL OR list_contains($statuses, t.status))
  AND ($regions IS NULL OR list_contains($regions, s.region))
  AND ($stores IS NULL OR list_contains($stores, t.store_id))
  AND t.created_at >= $start AND t.created_at < $end
ORDER BY t.created_at DESC, t.ticket_id
LIMIT $limit
