-- Feedback per store × day in [$lo, $hi) from the store_days roll-up as codes (s = position in $stores,
-- d = days since $lo), with the store's first feedback day (first_d, days since $lo; negative = before the
-- range): exposure starts there.
WITH st AS (SELECT unnest($stores) AS store_id, generate_subscripts($stores, 1) - 1 AS s),
     f AS (SELECT store_id, min(day) AS first_day FROM store_days GROUP BY 1)
SELECT st.s, d.day - CAST($lo AS DATE) AS d, d.n, f.first_day - CAST($lo AS DATE) AS first_d
FROM store_days d JOIN f USING (store_id) JOIN st USING (store_id)
WHERE d.day >= CAST($lo AS DATE) AND d.day < CAST($hi AS DATE)
