-- Per store × touchpoint × day: mentions and negative mentions in [$since, $until).
SELECT fb.store_id, m.touchpoint, CAST(fb.created_at AS DATE) AS day, count(*) AS n,
       count(*) FILTER (WHERE m.polarity < 0) AS negative
FROM mentions m JOIN feedback fb USING (feedback_id)
WHERE fb.created_at >= $since AND fb.created_at < $until AND fb.store_id IS NOT NULL
GROUP BY 1, 2, 3
