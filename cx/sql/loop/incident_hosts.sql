-- Incidents at $stores that are already on a ticket — their own, or the ticket they were attached to as a
-- further trigger of the same event (ticket_events 'trigger_added', detail JSON: trigger = the ticket id the
-- incident would have had) — with that ticket's id, state and creation time.
WITH host AS (
    SELECT ticket_id AS trigger_id, ticket_id AS host_id FROM tickets
    UNION ALL
    SELECT json_extract_string(detail, '$.trigger'), ticket_id FROM ticket_events WHERE event = 'trigger_added'
)
SELECT i.*, s.name AS store_name, h.host_id, t.status AS host_status, t.created_at AS host_created
FROM incidents i
JOIN stores s USING (store_id)
JOIN host h ON h.trigger_id = i.ticket_id
JOIN tickets t ON t.ticket_id = h.host_id
WHERE list_contains($stores, i.store_id)
ORDER BY i.first_flagged, i.incident_id
