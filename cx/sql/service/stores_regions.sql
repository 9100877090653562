-- Every store with its region (token/user creation checks a scope against these).
SELECT store_id, region FROM stores ORDER BY store_id
