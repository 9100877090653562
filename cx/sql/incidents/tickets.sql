-- The tickets of an incident event, in the order of $ids (the triggers' ticket ids): a trigger attached to
-- the event's open ticket instead of opening its own (ticket_events 'trigger_added') gives that ticket; each
-- ticket once.
WITH host AS (
    SELECT ticket_id AS trigger_id, ticket_id FROM tickets WHERE list_contains($ids, ticket_id)
    UNION ALL
    SELECT json_extract_string(detail, '$.trigger'), ticket_id FROM ticket_events
    WHERE event = 'trigger_added' AND list_contains($ids, json_extract_string(detail, '$.trigger'))
)
SELECT t.ticket_id, t.ticket_no, t.status
FROM tickets t JOIN host h USING (ticket_id)
GROUP BY ALL
ORDER BY min(list_position($ids, h.trigger_id))
