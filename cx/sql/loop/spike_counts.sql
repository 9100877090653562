-- Per store × touchpoint × day: feedback mentioning it and negative ones in [$since, $until).
SELECT store_id, touchpoint, CAST(created_at AS DATE) AS day, count(*) AS n, count(*) FILTER (WHERE worst < 0) AS negative
FROM feedback_touchpoints
WHERE created_at >= $since AND created_at < $until AND store_id IS NOT NULL
GROUP BY 1, 2, 3
