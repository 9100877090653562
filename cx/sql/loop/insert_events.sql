INSERT INTO ticket_events SELECT ticket_id, event_at, actor, event, detail FROM staged_events
