SELECT logged_at, actor, action, scope, detail, address FROM audit_log ORDER BY logged_at DESC LIMIT $limit
