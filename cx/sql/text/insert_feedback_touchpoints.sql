-- Roll the staged mentions up per feedback × touchpoint (feedback rows must already be stored).
INSERT INTO feedback_touchpoints
SELECT m.feedback_id, m.touchpoint, min(m.polarity), max(m.polarity),
       any_value(f.store_id), any_value(f.created_at), any_value(f.source), any_value(f.channel), any_value(f.nps),
       list(DISTINCT m.keyword ORDER BY m.keyword)
FROM staged_mentions m JOIN feedback f USING (feedback_id)
GROUP BY m.feedback_id, m.touchpoint
ORDER BY any_value(f.created_at)
