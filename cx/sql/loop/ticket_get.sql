SELECT * FROM tickets WHERE ticket_id = $ticket_id
