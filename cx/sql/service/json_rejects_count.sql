UPDATE imports SET rows_in = rows_in + $n_pre, rows_rejected = rows_rejected + $n_pre WHERE import_id = $import_id
