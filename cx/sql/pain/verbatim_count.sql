-- How many feedback verbatim_picks.sql would list without a limit (same row and group conditions).
SELECT count(*) AS n FROM (
    SELECT feedback_id
    FROM ft
    WHERE ($touchpoint IS NULL OR touchpoint = $touchpoint)
      AND ($polarity IS NULL OR ($polarity < 0 AND worst < 0) OR ($polarity >= 0 AND ($touchpoint IS NULL OR worst >= 0)))
    GROUP BY 1
    HAVING $polarity IS NULL OR ($polarity < 0 AND min(worst) < 0) OR ($polarity >= 0 AND min(worst) >= 0)
)
