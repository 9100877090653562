SELECT row_number, reason, raw FROM rejects WHERE import_id = $import_id ORDER BY row_number
