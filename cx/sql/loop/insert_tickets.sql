-- New tickets only (idempotent); returns the ids actually created. Each gets a human number
-- GD-YYYYMMDD-NNNN continuing that creation day's sequence.
INSERT INTO tickets (ticket_id, rule_id, feedback_id, store_id, touchpoint, severity, title, owner_level, status,
                     sla_hours, created_at, sla_due_at, due_at, ticket_no)
WITH new AS (
    SELECT * FROM staged_tickets WHERE ticket_id NOT IN (SELECT ticket_id FROM tickets)
), last_no AS (
    SELECT CAST(created_at AS DATE) AS day, max(CAST(split_part(ticket_no, '-', 3) AS INTEGER)) AS last
    FROM tickets WHERE ticket_no IS NOT NULL GROUP BY 1
)
SELECT ticket_id, rule_id, feedback_id, store_id, touchpoint, severity, title, owner_level, 'open',
       sla_hours, created_at, created_at + to_hours(sla_hours), created_at + to_hours(sla_hours),
       'GD-' || strftime(created_at, '%Y%m%d') || '-'
             || printf('%04d', coalesce(l.last, 0)
                               + row_number() OVER (PARTITION BY CAST(created_at AS DATE) ORDER BY created_at, ticket_id))
FROM new LEFT JOIN last_no l ON l.day = CAST(new.created_at AS DATE)
RETURNING ticket_id, created_at
