SELECT event_at, actor, event, detail FROM ticket_events WHERE ticket_id = $ticket_id ORDER BY event_at, event
