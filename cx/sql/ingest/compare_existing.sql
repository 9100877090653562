-- Staged rows whose id the store already holds: changed = an update, unchanged = a duplicate;
-- stale = the incoming content equals an earlier version of the record (an older export imported after a
-- newer one): it must not undo the newer version.
SELECT s.feedback_id,
       (s.channel IS DISTINCT FROM f.channel OR s.store_id IS DISTINCT FROM f.store_id
        OR CAST(s.created_at AS TIMESTAMP) IS DISTINCT FROM f.created_at
        OR s.customer_key IS DISTINCT FROM f.customer_key OR s.segment IS DISTINCT FROM f.segment
        OR CAST(s.nps AS TINYINT) IS DISTINCT FROM f.nps OR CAST(s.csat AS TINYINT) IS DISTINCT FROM f.csat
        OR CAST(s.ces AS TINYINT) IS DISTINCT FROM f.ces OR CAST(s.rating AS DOUBLE) IS DISTINCT FROM f.rating
        OR s.text IS DISTINCT FROM f.text) AS changed,
       EXISTS (SELECT 1 FROM feedback_versions v
               WHERE v.feedback_id = s.feedback_id
                 AND v.channel IS NOT DISTINCT FROM s.channel AND v.store_id IS NOT DISTINCT FROM s.store_id
                 AND v.created_at IS NOT DISTINCT FROM CAST(s.created_at AS TIMESTAMP)
                 AND v.nps IS NOT DISTINCT FROM CAST(s.nps AS TINYINT) AND v.csat IS NOT DISTINCT FROM CAST(s.csat AS TINYINT)
                 AND v.ces IS NOT DISTINCT FROM CAST(s.ces AS TINYINT) AND v.rating IS NOT DISTINCT FROM CAST(s.rating AS DOUBLE)
                 AND v.text IS NOT DISTINCT FROM s.text) AS stale
FROM staged s JOIN feedback f USING (feedback_id)
