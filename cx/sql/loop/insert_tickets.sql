-- New tickets only (idempotent); returns the ids actually created.
INSERT INTO tickets (ticket_id, rule_id, feedback_id, store_id, touchpoint, severity, title, owner_level, status,
                     sla_hours, created_at, sla_due_at, due_at)
SELECT ticket_id, rule_id, feedback_id, store_id, touchpoint, severity, title, owner_level, '待处理',
       sla_hours, created_at, created_at + to_hours(sla_hours), created_at + to_hours(sla_hours)
FROM staged_tickets
WHERE ticket_id NOT IN (SELECT ticket_id FROM tickets)
RETURNING ticket_id, created_at
