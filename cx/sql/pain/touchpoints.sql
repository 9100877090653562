-- Per touchpoint: feedback mentioning it, and how many of those mention it negatively/positively.
, m AS (
    SELECT m.feedback_id, m.touchpoint, min(m.polarity) AS worst, max(m.polarity) AS best
    FROM mentions m JOIN f USING (feedback_id)
    GROUP BY 1, 2
)
SELECT touchpoint, count(*) AS n, count(*) FILTER (WHERE worst < 0) AS negative,
       count(*) FILTER (WHERE best > 0 AND worst >= 0) AS positive
FROM m GROUP BY 1
