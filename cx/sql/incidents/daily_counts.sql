-- Items per store × (touchpoint | sensitive class) × day for feedback created in [$lo, $hi):
-- feedback with a negative mention of the touchpoint, and feedback with a hit of the sensitive class.
SELECT store_id, 'touchpoint' AS kind, touchpoint AS key, CAST(created_at AS DATE) AS day, count(*) AS n
FROM feedback_touchpoints
WHERE worst < 0 AND store_id IS NOT NULL AND created_at >= $lo AND created_at < $hi
GROUP BY 1, 2, 3, 4
UNION ALL
SELECT fb.store_id, 'sensitive' AS kind, h.class AS key, CAST(fb.created_at AS DATE) AS day,
       count(DISTINCT fb.feedback_id) AS n
FROM sensitive_hits h JOIN feedback fb USING (feedback_id)
WHERE fb.store_id IS NOT NULL AND fb.created_at >= $lo AND fb.created_at < $hi
  AND list_contains($classes, h.class)
GROUP BY 1, 2, 3, 4
