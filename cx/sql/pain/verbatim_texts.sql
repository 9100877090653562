-- Texts, stores and matched words of picked feedback ($ids, all created in [$lo, $hi]). The bounds are
-- constants so the zone maps of the time-ordered tables skip everything else (a join on the picks read
-- all 10 M feedback rows). Words come from the rows verbatim_picks.sql read (same row condition).
WITH w AS (
    SELECT feedback_id, list_sort(list_distinct(flatten(list(keywords)))) AS words
    FROM feedback_touchpoints
    WHERE created_at >= $lo AND created_at <= $hi AND list_contains($ids, feedback_id)
      AND ($touchpoint IS NULL OR touchpoint = $touchpoint)
      AND ($polarity IS NULL OR ($polarity < 0 AND worst < 0) OR ($polarity >= 0 AND ($touchpoint IS NULL OR worst >= 0)))
    GROUP BY 1
)
SELECT fb.feedback_id, fb.store_id, s.name AS store_name, s.region, fb.source, fb.channel,
       fb.nps, fb.csat, fb.rating, fb.sentiment, fb.text, w.words
FROM feedback fb
LEFT JOIN stores s USING (store_id)
LEFT JOIN w USING (feedback_id)
WHERE fb.created_at >= $lo AND fb.created_at <= $hi AND list_contains($ids, fb.feedback_id)
