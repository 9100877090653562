-- Stores first seen in an import (when the user chose to create them): placeholder names, region 未分配.
INSERT INTO stores (store_id, name, region, city, status)
SELECT s.store_id, s.store_id, '未分配', '未知', '营业中'
FROM (SELECT unnest($store_ids) AS store_id) s
WHERE s.store_id NOT IN (SELECT store_id FROM stores)
