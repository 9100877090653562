INSERT INTO actions (action_id, store_id, region, touchpoint, description, start_date, owner, created_at) VALUES
    ($a1, $s1, NULL, $t1, $d1, CAST($date1 AS DATE), '门店店长', CAST($date1 AS DATE) - INTERVAL 3 DAY),
    ($a2, NULL, $r2, $t2, $d2, CAST($date2 AS DATE), '区域营运经理', CAST($date2 AS DATE) - INTERVAL 5 DAY)
