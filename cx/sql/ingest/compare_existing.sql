-- Staged rows whose id the store already holds: changed = an update, unchanged = a duplicate.
SELECT s.feedback_id,
       (s.channel IS DISTINCT FROM f.channel OR s.store_id IS DISTINCT FROM f.store_id
        OR CAST(s.created_at AS TIMESTAMP) IS DISTINCT FROM f.created_at
        OR s.customer_key IS DISTINCT FROM f.customer_key OR s.segment IS DISTINCT FROM f.segment
        OR CAST(s.nps AS TINYINT) IS DISTINCT FROM f.nps OR CAST(s.csat AS TINYINT) IS DISTINCT FROM f.csat
        OR CAST(s.ces AS TINYINT) IS DISTINCT FROM f.ces OR CAST(s.rating AS DOUBLE) IS DISTINCT FROM f.rating
        OR s.text IS DISTINCT FROM f.text) AS changed
FROM staged s JOIN feedback f USING (feedback_id)
