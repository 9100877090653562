-- Touchpoint × column cells: feedback mentioning the touchpoint, negative/positive, and scores behind them.
SELECT touchpoint,
       CASE $dim
           WHEN 'region'  THEN coalesce(region, '未关联门店')
           WHEN 'format'  THEN coalesce(format, '未知业态')
           WHEN 'month'   THEN strftime(date_trunc('month', created_at), '%Y-%m')
           WHEN 'channel' THEN coalesce(channel, '未知渠道')
           WHEN 'store'   THEN coalesce(store_id, '未关联门店')
           ELSE source
       END AS col,
       count(*)                                             AS n,
       count(*) FILTER (WHERE worst < 0)                    AS negative,
       count(*) FILTER (WHERE best > 0 AND worst >= 0)      AS positive,
       count(nps)                                           AS nps_n,
       avg(nps)                                             AS avg_nps
FROM ft
GROUP BY 1, 2
