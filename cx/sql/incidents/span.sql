-- First and last day of feedback with a store.
SELECT CAST(min(created_at) AS DATE), CAST(max(created_at) AS DATE) FROM feedback WHERE store_id IS NOT NULL
