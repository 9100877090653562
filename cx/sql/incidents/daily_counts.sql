-- Items per store × (touchpoint | sensitive class) × day in [$lo, $hi) from the incident_counts roll-up, as
-- integer codes for cx.incidents._detect: s = position in $stores, kind 0 = touchpoint (k = position in
-- $touchpoints) | 1 = sensitive (k = position in $classes), d = days since $lo.
WITH st AS (SELECT unnest($stores) AS store_id, generate_subscripts($stores, 1) - 1 AS s)
SELECT st.s, CASE c.kind WHEN 'touchpoint' THEN 0 ELSE 1 END AS kind,
       CASE c.kind WHEN 'touchpoint' THEN list_position($touchpoints, c.key) ELSE list_position($classes, c.key) END - 1 AS k,
       c.day - CAST($lo AS DATE) AS d, c.n
FROM incident_counts c JOIN st USING (store_id)
WHERE c.day >= CAST($lo AS DATE) AND c.day < CAST($hi AS DATE)
  AND ((c.kind = 'touchpoint' AND list_contains($touchpoints, c.key)) OR (c.kind = 'sensitive' AND list_contains($classes, c.key)))
