SELECT import_id, file_name, source, started_at, finished_at, rows_in, rows_ok, rows_updated, rows_rejected,
       rows_duplicate, rows_skipped, profile, status, imported_by,
       CASE WHEN status = 'failed' THEN json_extract_string(details, '$.error') END AS error
FROM imports ORDER BY started_at DESC LIMIT $limit
