-- Per store × touchpoint: feedback mentioning it and how many negatively (for 短板/长板 diagnostics).
SELECT store_id, touchpoint, count(*) AS n, count(*) FILTER (WHERE worst < 0) AS negative
FROM ft WHERE store_id IS NOT NULL GROUP BY 1, 2
