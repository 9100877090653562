-- Two more monthly roll-ups (kept in step by cx/rollup.py), so rankings and pain points at 10 M rows read
-- a few hundred thousand roll-up rows instead of scanning millions of feedback rows:
-- customer_month: service contacts per store × month × channel × customer (repeat complainers are not a
--   sum of monthly counts, but a sum over months of per-customer counts is);
-- touchpoint_month: feedback × touchpoint rows per store × month × touchpoint (no source/channel key:
--   with one the table would be barely smaller than feedback_touchpoints; source/channel filters read rows).
CREATE TABLE customer_month (
    store_id     VARCHAR NOT NULL,
    month        DATE NOT NULL,
    channel      VARCHAR,
    customer_key VARCHAR NOT NULL,
    k            BIGINT NOT NULL
);
CREATE MACRO customer_month_counts(a, b) AS TABLE
    SELECT store_id, CAST(date_trunc('month', created_at) AS DATE) AS month, channel, customer_key, count(*) AS k
    FROM feedback
    WHERE source = 'service' AND customer_key IS NOT NULL AND store_id IS NOT NULL
      AND created_at >= a AND created_at < b
    GROUP BY 1, 2, 3, 4;
INSERT INTO customer_month SELECT * FROM customer_month_counts(TIMESTAMP '1900-01-01', TIMESTAMP '2200-01-01');

CREATE TABLE touchpoint_month (
    store_id   VARCHAR,               -- NULL: feedback without a store
    month      DATE NOT NULL,
    touchpoint VARCHAR NOT NULL,
    n          BIGINT NOT NULL,       -- feedback mentioning the touchpoint
    negative   BIGINT NOT NULL,       -- … with a negative mention of it
    positive   BIGINT NOT NULL        -- … with a positive and no negative mention of it
);
CREATE MACRO touchpoint_month_counts(a, b) AS TABLE
    SELECT store_id, CAST(date_trunc('month', created_at) AS DATE) AS month, touchpoint, count(*) AS n,
           count(*) FILTER (WHERE worst < 0) AS negative, count(*) FILTER (WHERE best > 0 AND worst >= 0) AS positive
    FROM feedback_touchpoints
    WHERE created_at >= a AND created_at < b
    GROUP BY 1, 2, 3;
INSERT INTO touchpoint_month SELECT * FROM touchpoint_month_counts(TIMESTAMP '1900-01-01', TIMESTAMP '2200-01-01');
