-- Open tickets past their deadline that can still move up a level.
SELECT ticket_id, owner_level, due_at, sla_hours, escalations, resolved_at, closed_at, root_cause
FROM tickets
WHERE status IN ('open', 'in_progress', 'escalated') AND due_at <= $now AND owner_level <> 'hq'
