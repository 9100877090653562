-- The triggers of one ticket: the alert that opened it (with the severity it opened with), then every trigger
-- of the same event attached later (ticket_events 'trigger_added', detail JSON), in time order.
SELECT t.ticket_id AS trigger_id, t.rule_id,
       (SELECT min(i.incident_id) FROM incidents i WHERE i.ticket_id = t.ticket_id) AS incident_id,
       coalesce((SELECT arg_min(json_extract_string(e.detail, '$.raised_from'), e.event_at)
                 FROM ticket_events e
                 WHERE e.ticket_id = t.ticket_id AND e.event = 'trigger_added'
                   AND json_extract_string(e.detail, '$.raised_from') IS NOT NULL), t.severity) AS severity,
       t.title, t.created_at AS triggered_at, FALSE AS attached
FROM tickets t
WHERE t.ticket_id = $ticket_id
UNION ALL
SELECT json_extract_string(detail, '$.trigger'), json_extract_string(detail, '$.rule_id'),
       json_extract_string(detail, '$.incident_id'), json_extract_string(detail, '$.severity'),
       json_extract_string(detail, '$.title'), event_at, TRUE
FROM ticket_events
WHERE ticket_id = $ticket_id AND event = 'trigger_added'
ORDER BY attached, triggered_at, trigger_id
