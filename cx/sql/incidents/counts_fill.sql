INSERT INTO incident_counts
SELECT * FROM incident_counts_of(CAST(CAST($start AS DATE) AS TIMESTAMP), CAST(CAST($end AS DATE) AS TIMESTAMP)) ORDER BY day
