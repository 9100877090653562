-- Store × month × source × channel counts behind the assessment indicators (cx/rollup.py keeps them in step
-- with feedback). Rankings over whole months read these ~400 k rows instead of scanning 10 M feedback rows.
CREATE TABLE store_month (
    store_id     VARCHAR NOT NULL,
    month        DATE NOT NULL,
    source       VARCHAR NOT NULL,
    channel      VARCHAR,
    n            BIGINT NOT NULL,
    nps_n        BIGINT NOT NULL,
    nps_p        BIGINT NOT NULL,
    nps_d        BIGINT NOT NULL,
    csat_n       BIGINT NOT NULL,
    csat_k       BIGINT NOT NULL,
    ces_n        BIGINT NOT NULL,
    ces_k        BIGINT NOT NULL,
    rating_n     BIGINT NOT NULL,
    rating_sum   DOUBLE NOT NULL,
    rating_sumsq DOUBLE NOT NULL,
    neg_reviews  BIGINT NOT NULL,
    neg_opinion  BIGINT NOT NULL,
    sensitive    BIGINT NOT NULL      -- feedback with a high-severity sensitive hit
);
-- The one definition of those counts, for feedback created in [a, b): used here and by every refresh.
CREATE MACRO store_month_counts(a, b) AS TABLE
    SELECT fb.store_id, CAST(date_trunc('month', fb.created_at) AS DATE) AS month, fb.source, fb.channel,
           count(*)                                                        AS n,
           count(fb.nps)                                                   AS nps_n,
           count(*) FILTER (WHERE fb.nps >= 9)                             AS nps_p,
           count(*) FILTER (WHERE fb.nps <= 6)                             AS nps_d,
           count(fb.csat)                                                  AS csat_n,
           count(*) FILTER (WHERE fb.csat >= 4)                            AS csat_k,
           count(fb.ces)                                                   AS ces_n,
           count(*) FILTER (WHERE fb.ces >= 5)                             AS ces_k,
           count(fb.rating) FILTER (WHERE fb.source = 'review')            AS rating_n,
           coalesce(sum(fb.rating) FILTER (WHERE fb.source = 'review'), 0) AS rating_sum,
           coalesce(sum(fb.rating * fb.rating) FILTER (WHERE fb.source = 'review'), 0) AS rating_sumsq,
           count(*) FILTER (WHERE fb.source = 'review' AND fb.rating <= 2) AS neg_reviews,
           count(*) FILTER (WHERE fb.source = 'opinion' AND fb.sentiment_label < 0) AS neg_opinion,
           count(h.feedback_id)                                            AS sensitive
    FROM feedback fb
    LEFT JOIN (SELECT DISTINCT feedback_id FROM sensitive_hits WHERE severity = 'high') h USING (feedback_id)
    WHERE fb.store_id IS NOT NULL AND fb.created_at >= a AND fb.created_at < b
    GROUP BY 1, 2, 3, 4;
INSERT INTO store_month SELECT * FROM store_month_counts(TIMESTAMP '1900-01-01', TIMESTAMP '2200-01-01');
