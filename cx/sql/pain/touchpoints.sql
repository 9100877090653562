-- Per touchpoint: feedback mentioning it, and how many of those mention it negatively/positively.
SELECT touchpoint, count(*) AS n, count(*) FILTER (WHERE worst < 0) AS negative,
       count(*) FILTER (WHERE best > 0 AND worst >= 0) AS positive
FROM ft GROUP BY 1
