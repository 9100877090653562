-- Monthly counts behind every headline KPI (the period totals are their sums).
SELECT
    date_trunc('month', created_at)                            AS month,
    count(*)                                                   AS n,
    count(*) FILTER (WHERE source = 'survey')                  AS n_survey,
    count(*) FILTER (WHERE source = 'service')                 AS n_service,
    count(*) FILTER (WHERE source = 'review')                  AS n_review,
    count(*) FILTER (WHERE source = 'opinion')                 AS n_opinion,
    count(nps)                                                 AS nps_n,
    count(*) FILTER (WHERE nps >= 9)                           AS promoters,
    count(*) FILTER (WHERE nps BETWEEN 7 AND 8)                AS passives,
    count(*) FILTER (WHERE nps <= 6)                           AS detractors,
    count(csat)                                                AS csat_n,
    count(*) FILTER (WHERE csat >= 4)                          AS csat_top,
    count(ces)                                                 AS ces_n,
    count(*) FILTER (WHERE ces >= 5)                           AS ces_top,
    coalesce(sum(ces), 0)                                      AS ces_sum,
    count(rating) FILTER (WHERE source = 'review')             AS reviews_rated,
    count(*) FILTER (WHERE source = 'review' AND rating <= 2)  AS reviews_negative
FROM f
GROUP BY 1
ORDER BY 1
