DELETE FROM store_days WHERE day >= CAST($start AS DATE) AND day < CAST($end AS DATE)
