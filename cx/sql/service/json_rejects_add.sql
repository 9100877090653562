-- Items refused before the import (outside the caller's scope, no source_ref) are rejects of the same import.
INSERT INTO rejects (import_id, row_number, raw, reason)
SELECT $import_id, item, raw, reason FROM staged_pre
