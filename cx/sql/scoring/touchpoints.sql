-- Per store × touchpoint: feedback mentioning it and how many negatively (for 短板/长板 diagnostics).
, m AS (
    SELECT f.store_id, m.feedback_id, m.touchpoint, min(m.polarity) AS worst
    FROM mentions m JOIN f USING (feedback_id)
    WHERE f.store_id IS NOT NULL
    GROUP BY 1, 2, 3
)
SELECT store_id, touchpoint, count(*) AS n, count(*) FILTER (WHERE worst < 0) AS negative FROM m GROUP BY 1, 2
