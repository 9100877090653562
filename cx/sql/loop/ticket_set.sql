UPDATE tickets SET status = $status, owner_level = $owner_level, due_at = $due_at, resolved_at = $resolved_at,
                   closed_at = $closed_at, root_cause = $root_cause, escalations = $escalations
WHERE ticket_id = $ticket_id
