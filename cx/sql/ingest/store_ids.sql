SELECT store_id FROM stores
