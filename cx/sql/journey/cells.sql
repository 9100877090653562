-- Touchpoint × column cells: feedback mentioning the touchpoint, negative/positive, and scores behind them.
, m AS (
    SELECT m.feedback_id, m.touchpoint, min(m.polarity) AS worst, max(m.polarity) AS best
    FROM mentions m JOIN f USING (feedback_id)
    GROUP BY 1, 2
)
SELECT m.touchpoint,
       CASE $dim
           WHEN 'region'  THEN coalesce(f.region, '未关联门店')
           WHEN 'format'  THEN coalesce(f.format, '未知业态')
           WHEN 'month'   THEN strftime(date_trunc('month', f.created_at), '%Y-%m')
           WHEN 'channel' THEN coalesce(f.channel, '未知渠道')
           WHEN 'store'   THEN coalesce(f.store_id, '未关联门店')
           ELSE f.source
       END AS col,
       count(*)                                             AS n,
       count(*) FILTER (WHERE worst < 0)                    AS negative,
       count(*) FILTER (WHERE best > 0 AND worst >= 0)      AS positive,
       count(f.nps)                                         AS nps_n,
       avg(f.nps)                                           AS avg_nps,
       count(f.rating)                                      AS rating_n,
       avg(f.rating)                                        AS avg_rating
FROM m JOIN f USING (feedback_id)
GROUP BY 1, 2
