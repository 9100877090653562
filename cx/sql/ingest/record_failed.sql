-- A refused file: one history row (nothing else was written), the Chinese reason in details.error.
INSERT INTO imports (import_id, file_name, sha256, source, started_at, finished_at, rows_in, status, imported_by, details)
VALUES ($import_id, $file_name, $sha256, $source, $at, $at, 0, 'failed', $imported_by, $details)
