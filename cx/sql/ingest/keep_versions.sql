-- The stored version of each record about to be updated goes to the audit table first.
INSERT INTO feedback_versions (feedback_id, replaced_at, replaced_by, import_id, source, channel, store_id, created_at,
                               customer_key, segment, nps, csat, ces, rating, text)
SELECT feedback_id, $replaced_at, $import_id, import_id, source, channel, store_id, created_at,
       customer_key, segment, nps, csat, ces, rating, text
FROM feedback WHERE feedback_id IN (SELECT feedback_id FROM staged_upd)
