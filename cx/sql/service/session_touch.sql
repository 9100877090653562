UPDATE sessions SET last_seen_at = $now WHERE session_hash = $h AND revoked_at IS NULL
