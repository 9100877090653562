-- Feedback texts behind a touchpoint / polarity / store choice, newest first, with the matched words.
-- The newest matching feedback ids come from the narrow, time-ordered ft roll-up first; only those few
-- rows are then joined to their texts and mention keywords (joining all mentions first cost ~1 s at 10 M).
, pick AS (
    SELECT feedback_id, max(created_at) AS created_at, min(worst) AS worst
    FROM ft
    WHERE ($touchpoint IS NULL OR touchpoint = $touchpoint)
    GROUP BY 1
    HAVING $polarity IS NULL OR ($polarity < 0 AND min(worst) < 0) OR ($polarity >= 0 AND min(worst) >= 0)
    ORDER BY created_at DESC, feedback_id
    LIMIT $limit
), words AS (
    SELECT m.feedback_id, list(DISTINCT m.keyword) AS words
    FROM mentions m JOIN pick USING (feedback_id)
    WHERE ($touchpoint IS NULL OR m.touchpoint = $touchpoint)
    GROUP BY 1
)
SELECT fb.feedback_id, fb.created_at, fb.store_id, s.name AS store_name, s.region, fb.source, fb.channel,
       fb.nps, fb.csat, fb.rating, fb.sentiment, fb.text, words.words, pick.worst
FROM pick
JOIN feedback fb USING (feedback_id)
LEFT JOIN stores s ON s.store_id = fb.store_id
LEFT JOIN words USING (feedback_id)
WHERE fb.text IS NOT NULL
  AND fb.created_at >= (SELECT min(created_at) FROM pick)     -- rows are time-ordered: zone maps skip the rest
  AND fb.created_at <= (SELECT max(created_at) FROM pick)
ORDER BY fb.created_at DESC, fb.feedback_id
