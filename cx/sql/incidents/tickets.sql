-- The tickets of an incident event (one per incident it groups), in the order given.
SELECT t.ticket_id, t.ticket_no, t.status
FROM tickets t
WHERE list_contains($ids, t.ticket_id)
ORDER BY list_position($ids, t.ticket_id)
