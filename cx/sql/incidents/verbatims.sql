-- Evidence for one incident: the most recent feedback in [$lo, $hi) at $store that complained about the
-- touchpoint ($kind = 'touchpoint') or hit the sensitive class ($kind = 'sensitive').
SELECT feedback_id FROM (
    SELECT feedback_id, created_at FROM feedback_touchpoints
    WHERE $kind = 'touchpoint' AND store_id = $store AND touchpoint = $key AND worst < 0
      AND created_at >= $lo AND created_at < $hi
    UNION ALL
    SELECT fb.feedback_id, fb.created_at FROM sensitive_hits h JOIN feedback fb USING (feedback_id)
    WHERE $kind = 'sensitive' AND fb.store_id = $store AND h.class = $key
      AND fb.created_at >= $lo AND fb.created_at < $hi)
GROUP BY feedback_id
ORDER BY max(created_at) DESC, feedback_id
LIMIT $limit
