-- Human ticket numbers (GD-YYYYMMDD-NNNN: creation day and a per-day sequence) next to the stable hash id,
-- which stays the key. Existing tickets are numbered in creation order within their day.
ALTER TABLE tickets ADD COLUMN ticket_no VARCHAR;
UPDATE tickets SET ticket_no = n.no
FROM (SELECT ticket_id,
             'GD-' || strftime(created_at, '%Y%m%d') || '-'
                   || printf('%04d', row_number() OVER (PARTITION BY CAST(created_at AS DATE)
                                                        ORDER BY created_at, ticket_id)) AS no
      FROM tickets) n
WHERE tickets.ticket_id = n.ticket_id;
