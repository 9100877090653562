UPDATE tickets SET owner_level = u.owner_level, due_at = u.due_at, status = u.status, escalations = u.escalations,
                   resolved_at = u.resolved_at, closed_at = u.closed_at, root_cause = u.root_cause
FROM staged_updates u WHERE tickets.ticket_id = u.ticket_id
