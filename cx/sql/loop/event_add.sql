INSERT INTO ticket_events VALUES ($ticket_id, $at, $actor, $event, $detail)
