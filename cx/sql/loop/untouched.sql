-- Open tickets nobody has acted on, created in [since, until) (NULL = unbounded), oldest first.
SELECT * FROM tickets
WHERE status = 'open'
  AND ($since IS NULL OR created_at >= $since)
  AND ($until IS NULL OR created_at < $until)
ORDER BY created_at, ticket_id
