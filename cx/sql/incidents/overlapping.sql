-- Incidents (with store names) whose span overlaps [$since, $until): the alert rules open one ticket per
-- incident (when first flagged in the range) and fold per-review alerts inside one into it.
SELECT i.*, s.name AS store_name
FROM incidents i JOIN stores s USING (store_id)
WHERE i.start_at < CAST($until AS DATE) + 1 AND coalesce(i.end_at, DATE '2200-01-01') >= CAST($since AS DATE)
ORDER BY i.first_flagged, i.incident_id
