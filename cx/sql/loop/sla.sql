-- SLA dashboard figures per region and store (scope and filters applied).
SELECT s.region, t.store_id, s.name AS store_name, t.status, t.severity, t.owner_level, t.created_at, t.resolved_at,
       t.sla_due_at, t.escalations,
       (t.resolved_at IS NOT NULL AND t.resolved_at <= t.sla_due_at) AS within_sla,
       (t.resolved_at IS NULL AND $now > t.sla_due_at) OR (t.resolved_at > t.sla_due_at) AS breached
FROM tickets t LEFT JOIN stores s USING (store_id)
WHERE ($scope_stores IS NULL OR list_contains($scope_stores, t.store_id))
  AND ($regions IS NULL OR list_contains($regions, s.region))
  AND ($stores IS NULL OR list_contains($stores, t.store_id))
  AND t.created_at >= $start AND t.created_at < $end
