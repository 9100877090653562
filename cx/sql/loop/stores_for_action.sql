-- Treated stores (the action's store, or its region's stores) and controls (same touchpoint, no action on it).
-- coalesce: with a region action $store_id is NULL, and "store_id = NULL" would make every flag NULL.
SELECT store_id, region,
       coalesce(store_id = $store_id, FALSE) OR coalesce($store_id IS NULL AND region = $region, FALSE) AS treated,
       coalesce(store_id IN (SELECT store_id FROM actions WHERE touchpoint = $touchpoint AND store_id IS NOT NULL), FALSE)
         OR coalesce(region IN (SELECT region FROM actions WHERE touchpoint = $touchpoint AND store_id IS NULL), FALSE) AS acted
FROM stores
