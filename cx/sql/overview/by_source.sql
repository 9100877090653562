SELECT source, channel, count(*) AS n
FROM f
GROUP BY 1, 2
ORDER BY 1, 3 DESC
