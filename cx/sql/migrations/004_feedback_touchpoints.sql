-- One row per feedback × touchpoint, denormalised with what the dashboards filter and group by, so the
-- heatmap and pain-point queries never aggregate raw mentions or join the feedback table.
CREATE TABLE feedback_touchpoints (
    feedback_id VARCHAR NOT NULL,
    touchpoint  VARCHAR NOT NULL,
    worst       TINYINT NOT NULL,   -- most negative clause polarity
    best        TINYINT NOT NULL,
    store_id    VARCHAR,
    created_at  TIMESTAMP NOT NULL,
    source      VARCHAR NOT NULL,
    channel     VARCHAR,
    nps         TINYINT
);
INSERT INTO feedback_touchpoints
SELECT m.feedback_id, m.touchpoint, min(m.polarity), max(m.polarity),
       any_value(f.store_id), any_value(f.created_at), any_value(f.source), any_value(f.channel), any_value(f.nps)
FROM mentions m JOIN feedback f USING (feedback_id)
GROUP BY m.feedback_id, m.touchpoint
ORDER BY any_value(f.created_at);
