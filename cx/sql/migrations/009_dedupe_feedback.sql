-- Real exports, part 1: report, then resolve, rows that share a feedback_id, before 010 adds the unique key
-- (DuckDB cannot build a unique index in the transaction that deleted the duplicates).

-- 1. Report, then resolve, rows that share a feedback_id (older importers stored in-file duplicates twice).
CREATE TABLE IF NOT EXISTS migration_reports (
    version     INTEGER NOT NULL,
    item        VARCHAR NOT NULL,
    detail      VARCHAR,
    n           BIGINT,
    reported_at TIMESTAMP DEFAULT now()
);
INSERT INTO migration_reports (version, item, detail, n)
SELECT 9, 'duplicate feedback_id', feedback_id, count(*)
FROM feedback GROUP BY feedback_id HAVING count(*) > 1;

-- Keep the last stored copy of each id; its analysis children are rebuilt from scratch below (the stored
-- children of a duplicated id mix the analyses of different texts).
DELETE FROM feedback
WHERE rowid NOT IN (SELECT max(rowid) FROM feedback GROUP BY feedback_id);
DELETE FROM mentions WHERE feedback_id IN (SELECT detail FROM migration_reports WHERE version = 9 AND item = 'duplicate feedback_id');
DELETE FROM sensitive_hits WHERE feedback_id IN (SELECT detail FROM migration_reports WHERE version = 9 AND item = 'duplicate feedback_id');
DELETE FROM feedback_touchpoints WHERE feedback_id IN (SELECT detail FROM migration_reports WHERE version = 9 AND item = 'duplicate feedback_id');
UPDATE feedback SET sentiment = NULL, sentiment_label = NULL, keywords = NULL, neg_keywords = NULL
WHERE feedback_id IN (SELECT detail FROM migration_reports WHERE version = 9 AND item = 'duplicate feedback_id');

DELETE FROM kano_answers
WHERE rowid NOT IN (SELECT max(rowid) FROM kano_answers GROUP BY answer_id);

