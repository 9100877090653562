UPDATE imports
SET finished_at = $finished_at, rows_ok = $rows_ok, rows_rejected = $rows_rejected,
    rows_duplicate = $rows_duplicate, status = 'ok'
WHERE import_id = $import_id
