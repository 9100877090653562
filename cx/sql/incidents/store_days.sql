-- Feedback per store × day in [$lo, $hi), and each store's first feedback ever (exposure starts there).
SELECT d.store_id, d.day, d.n, s.first_day
FROM (SELECT store_id, CAST(created_at AS DATE) AS day, count(*) AS n
      FROM feedback WHERE store_id IS NOT NULL AND created_at >= $lo AND created_at < $hi GROUP BY 1, 2) d
JOIN (SELECT store_id, CAST(min(month) AS DATE) AS first_day FROM store_month GROUP BY 1) s USING (store_id)
