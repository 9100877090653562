-- feedback_touchpoints gains the matched keywords of each feedback × touchpoint, so verbatims can
-- highlight them without scanning the mentions table (~21 M rows at 10 M feedback, ~0.5 s per drill).
CREATE TABLE feedback_touchpoints_new (
    feedback_id VARCHAR NOT NULL,
    touchpoint  VARCHAR NOT NULL,
    worst       TINYINT NOT NULL,   -- most negative clause polarity
    best        TINYINT NOT NULL,
    store_id    VARCHAR,
    created_at  TIMESTAMP NOT NULL,
    source      VARCHAR NOT NULL,
    channel     VARCHAR,
    nps         TINYINT,
    keywords    VARCHAR[]           -- distinct taxonomy keywords that matched, sorted
);
INSERT INTO feedback_touchpoints_new
SELECT m.feedback_id, m.touchpoint, min(m.polarity), max(m.polarity),
       any_value(f.store_id), any_value(f.created_at), any_value(f.source), any_value(f.channel), any_value(f.nps),
       list(DISTINCT m.keyword ORDER BY m.keyword)
FROM mentions m JOIN feedback f USING (feedback_id)
GROUP BY m.feedback_id, m.touchpoint
ORDER BY any_value(f.created_at);
DROP TABLE feedback_touchpoints;
ALTER TABLE feedback_touchpoints_new RENAME TO feedback_touchpoints;
