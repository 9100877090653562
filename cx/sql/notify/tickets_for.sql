SELECT t.ticket_id, t.store_id, s.name AS store_name, s.region, t.owner_level, t.severity, t.title, t.due_at,
       t.escalations, t.status, t.ticket_no, t.created_at
FROM tickets t LEFT JOIN stores s USING (store_id)
WHERE t.ticket_id IN (SELECT unnest($ids::VARCHAR[]))
