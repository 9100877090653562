-- An incident's verbatims (its stored feedback ids) and the state of its ticket.
SELECT fb.feedback_id, fb.created_at, fb.source, fb.channel, fb.nps, fb.rating, fb.text,
       (SELECT t.status FROM tickets t WHERE t.ticket_id = $ticket_id) AS ticket_status,
       (SELECT t.ticket_no FROM tickets t WHERE t.ticket_id = $ticket_id) AS ticket_no
FROM feedback fb
WHERE list_contains($ids, fb.feedback_id)
ORDER BY fb.created_at DESC
