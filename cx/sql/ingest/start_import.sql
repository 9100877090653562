INSERT INTO imports (import_id, file_name, sha256, source, started_at, rows_in, status, imported_by, mapping_key, profile)
VALUES ($import_id, $file_name, $sha256, $source, $started_at, $rows_in, 'running', $imported_by, $mapping_key, $profile)
