UPDATE tickets SET severity = $severity WHERE ticket_id = $ticket_id
