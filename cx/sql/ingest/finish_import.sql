UPDATE imports
SET finished_at = $finished_at, rows_ok = $rows_ok, rows_rejected = $rows_rejected,
    rows_duplicate = $rows_duplicate, rows_updated = $rows_updated, rows_skipped = $rows_skipped,
    details = $details, status = 'ok'
WHERE import_id = $import_id
