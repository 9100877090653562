SELECT name FROM stores WHERE store_id = $store_id
