-- Per store: the counts behind every indicator metric (scope/filters applied through f).
, s AS (
    SELECT store_id,
           count(*)                                                            AS n,
           count(nps)                                                          AS nps_n,
           count(*) FILTER (WHERE nps >= 9)                                    AS nps_p,
           count(*) FILTER (WHERE nps <= 6)                                    AS nps_d,
           count(csat)                                                         AS csat_n,
           count(*) FILTER (WHERE csat >= 4)                                   AS csat_k,
           count(ces)                                                          AS ces_n,
           count(*) FILTER (WHERE ces >= 5)                                    AS ces_k,
           count(*) FILTER (WHERE source = 'service')                          AS complaints,
           count(rating) FILTER (WHERE source = 'review')                      AS rating_n,
           coalesce(sum(rating) FILTER (WHERE source = 'review'), 0)           AS rating_sum,
           coalesce(sum(rating * rating) FILTER (WHERE source = 'review'), 0)  AS rating_sumsq,
           count(*) FILTER (WHERE source = 'review' AND rating <= 2)           AS neg_reviews,
           count(*) FILTER (WHERE source = 'opinion' AND sentiment_label < 0)  AS neg_opinion
    FROM f WHERE store_id IS NOT NULL
    GROUP BY 1
), rep AS (
    SELECT store_id, count(*) AS complainers, count(*) FILTER (WHERE k >= 2) AS repeaters
    FROM (SELECT store_id, customer_key, count(*) AS k FROM f
          WHERE source = 'service' AND customer_key IS NOT NULL AND store_id IS NOT NULL GROUP BY 1, 2)
    GROUP BY 1
), sens AS (
    SELECT f.store_id, count(DISTINCT h.feedback_id) AS sensitive
    FROM sensitive_hits h JOIN f USING (feedback_id)
    WHERE h.severity = 'high' AND f.store_id IS NOT NULL
    GROUP BY 1
), ext AS (
    SELECT store_id, count(*) AS ext_n, sum(rating) AS ext_sum, sum(rating * rating) AS ext_sumsq
    FROM external_ratings
    WHERE period >= date_trunc('month', CAST($start AS DATE)) AND period < $end
      AND ($scope_stores IS NULL OR list_contains($scope_stores, store_id))
    GROUP BY 1
)
SELECT st.store_id, st.name, st.region, st.city, st.format,
       coalesce(s.n, 0) AS n, coalesce(nps_n, 0) AS nps_n, coalesce(nps_p, 0) AS nps_p, coalesce(nps_d, 0) AS nps_d,
       coalesce(csat_n, 0) AS csat_n, coalesce(csat_k, 0) AS csat_k, coalesce(ces_n, 0) AS ces_n, coalesce(ces_k, 0) AS ces_k,
       coalesce(complaints, 0) AS complaints, coalesce(rating_n, 0) AS rating_n, coalesce(rating_sum, 0) AS rating_sum,
       coalesce(rating_sumsq, 0) AS rating_sumsq, coalesce(neg_reviews, 0) AS neg_reviews,
       coalesce(neg_opinion, 0) AS neg_opinion, coalesce(complainers, 0) AS complainers,
       coalesce(repeaters, 0) AS repeaters, coalesce(sensitive, 0) AS sensitive,
       coalesce(ext_n, 0) AS ext_n, coalesce(ext_sum, 0) AS ext_sum, coalesce(ext_sumsq, 0) AS ext_sumsq
FROM stores st
LEFT JOIN s USING (store_id) LEFT JOIN rep USING (store_id) LEFT JOIN sens USING (store_id) LEFT JOIN ext USING (store_id)
WHERE ($scope_stores IS NULL OR list_contains($scope_stores, st.store_id))
  AND ($regions IS NULL OR list_contains($regions, st.region))
  AND ($formats IS NULL OR list_contains($formats, st.format))
  AND ($stores IS NULL OR list_contains($stores, st.store_id))
  AND (st.opened_on IS NULL OR st.opened_on <= CAST($end AS DATE))
