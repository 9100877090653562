SELECT import_id, rows_in FROM imports WHERE sha256 = $sha256 AND source = $source AND status = 'ok' LIMIT 1
