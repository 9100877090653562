SELECT username, last_seen_at, revoked_at FROM sessions WHERE session_hash = $h
