-- The triggers already attached to the tickets $ids (the ticket ids they would have had).
SELECT json_extract_string(detail, '$.trigger') AS trigger_id, ticket_id
FROM ticket_events
WHERE event = 'trigger_added' AND list_contains($ids, ticket_id)
