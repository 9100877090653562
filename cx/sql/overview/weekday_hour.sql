-- Feedback per weekday (0 = Monday) × hour in the period, and how many read negative.
SELECT (dayofweek(created_at) + 6) % 7 AS weekday, hour(created_at) AS hour,
       count(*) AS n, count(*) FILTER (WHERE sentiment_label < 0) AS negative
FROM f
GROUP BY 1, 2
ORDER BY 1, 2
