-- Per store × period bucket: the counts behind every indicator metric (scope/filters applied through f and
-- the roll-ups). Buckets are [$bucket_lo[i], $bucket_hi[i]) — one for an assessment, one per month for a
-- trend — so a trend is one query. Whole months come from the roll-ups (sm, cm); rows only for the partial
-- months at the edges of the period. Bucket bounds must not cut through a whole month of the period.
, b AS (
    SELECT unnest($bucket_lo) AS lo, unnest($bucket_hi) AS hi
), edge AS (
    SELECT * FROM f WHERE created_at < $full_start
    UNION ALL
    SELECT * FROM f WHERE created_at >= $full_end
), hi AS (
    -- high-severity hits of the edge rows only (the roll-up counts those of whole months); not `FROM edge`,
    -- which would make DuckDB materialise every column of the edge rows, texts included
    SELECT DISTINCT feedback_id FROM sensitive_hits
    WHERE severity = 'high'
      AND feedback_id IN (SELECT feedback_id FROM f WHERE created_at < $full_start OR created_at >= $full_end)
), parts AS (
    SELECT b.lo AS bucket, store_id, source, n, nps_n, nps_p, nps_d, csat_n, csat_k, ces_n, ces_k, rating_n,
           rating_sum, rating_sumsq, neg_reviews, neg_opinion, sensitive
    FROM sm JOIN b ON sm.month >= b.lo AND sm.month < b.hi
    UNION ALL
    SELECT b.lo, e.store_id, e.source, 1, CAST(e.nps IS NOT NULL AS INT), CAST(e.nps >= 9 AS INT),
           CAST(e.nps <= 6 AS INT), CAST(e.csat IS NOT NULL AS INT), CAST(e.csat >= 4 AS INT),
           CAST(e.ces IS NOT NULL AS INT), CAST(e.ces >= 5 AS INT),
           CAST(e.source = 'review' AND e.rating IS NOT NULL AS INT), CASE WHEN e.source = 'review' THEN e.rating END,
           CASE WHEN e.source = 'review' THEN e.rating * e.rating END,
           CAST(e.source = 'review' AND e.rating <= 2 AS INT), CAST(e.source = 'opinion' AND e.sentiment_label < 0 AS INT),
           CAST(hi.feedback_id IS NOT NULL AS INT)
    FROM edge e JOIN b ON e.created_at >= b.lo AND e.created_at < b.hi
    LEFT JOIN hi USING (feedback_id)
    WHERE e.store_id IS NOT NULL
), s AS (
    SELECT bucket, store_id,
           sum(n)                                                  AS n,
           sum(nps_n)                                              AS nps_n,
           coalesce(sum(nps_p), 0)                                 AS nps_p,
           coalesce(sum(nps_d), 0)                                 AS nps_d,
           sum(csat_n)                                             AS csat_n,
           coalesce(sum(csat_k), 0)                                AS csat_k,
           sum(ces_n)                                              AS ces_n,
           coalesce(sum(ces_k), 0)                                 AS ces_k,
           coalesce(sum(n) FILTER (WHERE source = 'service'), 0)   AS complaints,
           sum(rating_n)                                           AS rating_n,
           coalesce(sum(rating_sum), 0)                            AS rating_sum,
           coalesce(sum(rating_sumsq), 0)                          AS rating_sumsq,
           coalesce(sum(neg_reviews), 0)                           AS neg_reviews,
           coalesce(sum(neg_opinion), 0)                           AS neg_opinion,
           coalesce(sum(sensitive), 0)                             AS sensitive
    FROM parts
    GROUP BY 1, 2
), rep AS (
    -- service customers per store and bucket: monthly per-customer counts (cm) plus edge rows
    SELECT bucket, store_id, count(*) AS complainers, count(*) FILTER (WHERE k >= 2) AS repeaters
    FROM (SELECT b.lo AS bucket, store_id, customer_key, sum(k) AS k
          FROM (SELECT month AS t, store_id, customer_key, k FROM cm
                UNION ALL
                SELECT created_at, store_id, customer_key, 1 FROM f
                WHERE source = 'service' AND customer_key IS NOT NULL AND store_id IS NOT NULL
                  AND (created_at < $full_start OR created_at >= $full_end)) c
          JOIN b ON c.t >= b.lo AND c.t < b.hi
          GROUP BY 1, 2, 3)
    GROUP BY 1, 2
), ext AS (
    SELECT b.lo AS bucket, store_id, count(*) AS ext_n, sum(rating) AS ext_sum, sum(rating * rating) AS ext_sumsq
    FROM external_ratings r JOIN b ON r.period >= date_trunc('month', b.lo) AND r.period < b.hi
    WHERE $scope_stores IS NULL OR list_contains($scope_stores, store_id)
    GROUP BY 1, 2
)
SELECT b.lo AS bucket, st.store_id, st.name, st.region, st.city, st.format,
       coalesce(s.n, 0) AS n, coalesce(nps_n, 0) AS nps_n, coalesce(nps_p, 0) AS nps_p, coalesce(nps_d, 0) AS nps_d,
       coalesce(csat_n, 0) AS csat_n, coalesce(csat_k, 0) AS csat_k, coalesce(ces_n, 0) AS ces_n, coalesce(ces_k, 0) AS ces_k,
       coalesce(complaints, 0) AS complaints, coalesce(rating_n, 0) AS rating_n, coalesce(rating_sum, 0) AS rating_sum,
       coalesce(rating_sumsq, 0) AS rating_sumsq, coalesce(neg_reviews, 0) AS neg_reviews,
       coalesce(neg_opinion, 0) AS neg_opinion, coalesce(complainers, 0) AS complainers,
       coalesce(repeaters, 0) AS repeaters, coalesce(sensitive, 0) AS sensitive,
       coalesce(ext_n, 0) AS ext_n, coalesce(ext_sum, 0) AS ext_sum, coalesce(ext_sumsq, 0) AS ext_sumsq
FROM stores st
JOIN b ON st.opened_on IS NULL OR st.opened_on < b.hi
LEFT JOIN s ON s.store_id = st.store_id AND s.bucket = b.lo
LEFT JOIN rep ON rep.store_id = st.store_id AND rep.bucket = b.lo
LEFT JOIN ext ON ext.store_id = st.store_id AND ext.bucket = b.lo
WHERE ($scope_stores IS NULL OR list_contains($scope_stores, st.store_id))
  AND ($regions IS NULL OR list_contains($regions, st.region))
  AND ($formats IS NULL OR list_contains($formats, st.format))
  AND ($stores IS NULL OR list_contains($stores, st.store_id))
ORDER BY b.lo, st.store_id
