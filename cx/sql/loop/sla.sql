-- SLA figures per store × status × age band (scope and filters applied): small enough to roll up further in
-- Python for the totals, status, region, store and open-ticket age views.
SELECT s.region, t.store_id, s.name AS store_name, t.status,
       CASE WHEN t.status NOT IN ('open', 'in_progress', 'escalated') THEN NULL
            WHEN $now - t.created_at < INTERVAL 4 HOUR THEN '<4 小时'
            WHEN $now - t.created_at < INTERVAL 24 HOUR THEN '4–24 小时'
            WHEN $now - t.created_at < INTERVAL 72 HOUR THEN '1–3 天'
            WHEN $now - t.created_at < INTERVAL 168 HOUR THEN '3–7 天'
            ELSE '>7 天' END                                                          AS age,
       count(*)                                                                       AS tickets,
       count(t.resolved_at)                                                           AS resolved,
       count(*) FILTER (WHERE t.resolved_at <= t.sla_due_at)                          AS within_sla,
       count(*) FILTER (WHERE (t.resolved_at IS NULL AND $now > t.sla_due_at) OR t.resolved_at > t.sla_due_at)
                                                                                      AS breached,
       sum(t.escalations)                                                             AS escalations
FROM tickets t LEFT JOIN stores s USING (store_id)
WHERE ($scope_stores IS NULL OR list_contains($scope_stores, t.store_id))
  AND ($regions IS NULL OR list_contains($regions, s.region))
  AND ($stores IS NULL OR list_contains($stores, t.store_id))
  AND t.created_at >= $start AND t.created_at < $end
GROUP BY ALL
