-- Daily roll-ups behind incident detection (cx/incidents.py keeps them in step with feedback in refresh):
-- incident_counts: items per store × touchpoint (feedback with a negative mention) or × sensitive class
-- (feedback with a hit) × day; store_days: all feedback per store × day (the exposure). At 10 M feedback a
-- detection run reads ~1 M of these rows instead of grouping ~3 M feedback × touchpoint rows.
CREATE TABLE incident_counts (
    store_id VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,      -- touchpoint | sensitive
    key      VARCHAR NOT NULL,
    day      DATE NOT NULL,
    n        INTEGER NOT NULL
);
CREATE TABLE store_days (
    store_id VARCHAR NOT NULL,
    day      DATE NOT NULL,
    n        INTEGER NOT NULL
);
CREATE MACRO incident_counts_of(a, b) AS TABLE
    SELECT store_id, 'touchpoint' AS kind, touchpoint AS key, CAST(created_at AS DATE) AS day, CAST(count(*) AS INTEGER) AS n
    FROM feedback_touchpoints
    WHERE worst < 0 AND store_id IS NOT NULL AND created_at >= a AND created_at < b
    GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT fb.store_id, 'sensitive', h.class, CAST(fb.created_at AS DATE), CAST(count(DISTINCT fb.feedback_id) AS INTEGER)
    FROM sensitive_hits h JOIN feedback fb USING (feedback_id)
    WHERE fb.store_id IS NOT NULL AND fb.created_at >= a AND fb.created_at < b
    GROUP BY 1, 2, 3, 4;
CREATE MACRO store_days_of(a, b) AS TABLE
    SELECT store_id, CAST(created_at AS DATE) AS day, CAST(count(*) AS INTEGER) AS n
    FROM feedback WHERE store_id IS NOT NULL AND created_at >= a AND created_at < b
    GROUP BY 1, 2;
INSERT INTO incident_counts SELECT * FROM incident_counts_of(TIMESTAMP '1900-01-01', TIMESTAMP '2200-01-01') ORDER BY day;
INSERT INTO store_days SELECT * FROM store_days_of(TIMESTAMP '1900-01-01', TIMESTAMP '2200-01-01') ORDER BY day;
