-- Feedback texts behind a touchpoint / polarity / store choice, newest first, with the matched words.
, hit AS (
    SELECT m.feedback_id, list(DISTINCT m.keyword) AS words, min(m.polarity) AS worst
    FROM mentions m JOIN f USING (feedback_id)
    WHERE ($touchpoint IS NULL OR m.touchpoint = $touchpoint)
    GROUP BY 1
)
SELECT f.feedback_id, f.created_at, f.store_id, f.store_name, f.region, f.source, f.channel,
       f.nps, f.csat, f.rating, f.sentiment, f.text, hit.words, hit.worst
FROM f JOIN hit USING (feedback_id)
WHERE f.text IS NOT NULL
  AND ($polarity IS NULL OR ($polarity < 0 AND hit.worst < 0) OR ($polarity >= 0 AND hit.worst >= 0))
ORDER BY f.created_at DESC, f.feedback_id
LIMIT $limit
