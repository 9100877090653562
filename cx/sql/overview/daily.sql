-- Daily counts behind every headline KPI, per source × channel: period totals, the previous period, the
-- monthly trend and the source mix are all sums of these rows (one scan serves the whole 总览 page).
SELECT
    CAST(created_at AS DATE)                                   AS day,
    source,
    channel,
    count(*)                                                   AS n,
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
GROUP BY 1, 2, 3
