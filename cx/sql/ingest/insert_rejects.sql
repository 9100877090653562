INSERT INTO rejects (import_id, row_number, raw, reason)
SELECT $import_id, row_number, raw, reason FROM staged_rejects
