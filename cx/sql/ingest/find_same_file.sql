-- The same bytes imported before with the same mapping (a changed mapping may re-import the file).
SELECT import_id, rows_in FROM imports
WHERE sha256 = $sha256 AND source = $source AND coalesce(mapping_key, '') = $mapping_key AND status = 'ok'
LIMIT 1
