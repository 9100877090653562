-- Touchpoint × column cells: feedback mentioning the touchpoint, negative/positive, and scores behind them.
SELECT touchpoint,
       CASE $dim
           WHEN 'region'  THEN coalesce(region, $no_store)
           WHEN 'format'  THEN coalesce(format, $no_format)
           WHEN 'month'   THEN strftime(date_trunc('month', created_at), '%Y-%m')
           WHEN 'week'    THEN strftime(date_trunc('week', created_at), '%Y-%m-%d')
           WHEN 'day'     THEN strftime(created_at, '%Y-%m-%d')
           WHEN 'channel' THEN coalesce(channel, $no_channel)
           WHEN 'store'   THEN coalesce(store_id, $no_store)
           ELSE source
       END AS col,
       count(*)                                             AS n,
       count(*) FILTER (WHERE worst < 0)                    AS negative,
       count(*) FILTER (WHERE best > 0 AND worst >= 0)      AS positive,
       count(nps)                                           AS nps_n,
       avg(nps)                                             AS avg_nps
FROM ft
GROUP BY 1, 2
