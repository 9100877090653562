INSERT INTO sessions (session_hash, username, created_at, last_seen_at) VALUES ($h, $u, $now, $now)
