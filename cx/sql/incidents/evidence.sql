-- An incident's verbatims (its stored feedback ids).
SELECT fb.feedback_id, fb.created_at, fb.source, fb.channel, fb.nps, fb.rating, fb.text
FROM feedback fb
WHERE list_contains($ids, fb.feedback_id)
ORDER BY fb.created_at DESC
