UPDATE sessions SET revoked_at = $now WHERE session_hash = $h AND revoked_at IS NULL
