-- Feedback matching one rule's conditions since $since (conditions are bound parameters; NULL = not used).
SELECT fb.feedback_id, fb.store_id, fb.created_at, fb.customer_key, fb.text,
       (SELECT arg_min(m.touchpoint, m.polarity) FROM mentions m WHERE m.feedback_id = fb.feedback_id) AS touchpoint
FROM feedback fb
WHERE fb.created_at >= $since AND fb.created_at < $until
  AND fb.store_id IS NOT NULL
  AND ($source IS NULL OR fb.source = $source)
  AND ($nps_max IS NULL OR fb.nps <= $nps_max)
  AND ($csat_max IS NULL OR fb.csat <= $csat_max)
  AND ($rating_max IS NULL OR fb.rating <= $rating_max)
  AND (NOT $has_text OR fb.text IS NOT NULL)
  AND ($sensitive_severity IS NULL
       OR fb.feedback_id IN (SELECT feedback_id FROM sensitive_hits WHERE severity = $sensitive_severity))
ORDER BY fb.created_at, fb.feedback_id
