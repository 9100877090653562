-- Prefix for every feedback query: the filter bar and the user's scope, as bound parameters — the one
-- place where they become SQL. Missing values match the labels the heatmap shows for them ($no_*),
-- so a drill into the 未关联门店 column finds its rows.
-- f = feedback rows; ft = feedback × touchpoint rows; then the monthly roll-ups of the whole months in the
-- period ([$full_start, $full_end)), all under the same filter: sm = store × month counts, cm = service
-- customers, tm = touchpoint counts (only without source/channel filters; ftw = the ft rows tm leaves out),
-- wm = chain-level word counts (only when no filter narrows by store; fw = the f rows wm leaves out).
WITH f AS NOT MATERIALIZED (
    SELECT fb.*, s.region, s.city, s.format, s.name AS store_name
    FROM feedback fb
    LEFT JOIN stores s USING (store_id)
    WHERE fb.created_at >= $start AND fb.created_at < $end
      AND ($regions IS NULL OR list_contains($regions, coalesce(s.region, $no_store)))
      AND ($stores IS NULL OR list_contains($stores, coalesce(fb.store_id, $no_store)))
      AND ($sources IS NULL OR list_contains($sources, fb.source))
      AND ($channels IS NULL OR list_contains($channels, coalesce(fb.channel, $no_channel)))
      AND ($formats IS NULL OR list_contains($formats, coalesce(s.format, $no_format)))
      AND ($scope_stores IS NULL OR list_contains($scope_stores, fb.store_id))
), ft AS (
    SELECT t.*, s.region, s.format
    FROM feedback_touchpoints t
    LEFT JOIN stores s USING (store_id)
    WHERE t.created_at >= $start AND t.created_at < $end
      AND ($regions IS NULL OR list_contains($regions, coalesce(s.region, $no_store)))
      AND ($stores IS NULL OR list_contains($stores, coalesce(t.store_id, $no_store)))
      AND ($sources IS NULL OR list_contains($sources, t.source))
      AND ($channels IS NULL OR list_contains($channels, coalesce(t.channel, $no_channel)))
      AND ($formats IS NULL OR list_contains($formats, coalesce(s.format, $no_format)))
      AND ($scope_stores IS NULL OR list_contains($scope_stores, t.store_id))
), sm AS (
    -- store × month roll-up rows for the whole months in the period ([$full_start, $full_end)); rows in the
    -- partial months at either edge come from f (see scoring/leaves.sql)
    SELECT r.*, s.region, s.format
    FROM store_month r
    LEFT JOIN stores s USING (store_id)
    WHERE r.month >= $full_start AND r.month < $full_end
      AND ($regions IS NULL OR list_contains($regions, coalesce(s.region, $no_store)))
      AND ($stores IS NULL OR list_contains($stores, r.store_id))
      AND ($sources IS NULL OR list_contains($sources, r.source))
      AND ($channels IS NULL OR list_contains($channels, coalesce(r.channel, $no_channel)))
      AND ($formats IS NULL OR list_contains($formats, coalesce(s.format, $no_format)))
      AND ($scope_stores IS NULL OR list_contains($scope_stores, r.store_id))
), wm AS (
    SELECT w.*
    FROM word_month w
    WHERE w.month >= $full_start AND w.month < $full_end
      AND $regions IS NULL AND $stores IS NULL AND $formats IS NULL AND $scope_stores IS NULL
      AND ($sources IS NULL OR list_contains($sources, w.source))
      AND ($channels IS NULL OR list_contains($channels, coalesce(w.channel, $no_channel)))
), fw AS (
    SELECT * FROM f
    WHERE NOT ($regions IS NULL AND $stores IS NULL AND $formats IS NULL AND $scope_stores IS NULL)
       OR created_at < $full_start OR created_at >= $full_end
), cm AS (
    SELECT r.*
    FROM customer_month r
    LEFT JOIN stores s USING (store_id)
    WHERE r.month >= $full_start AND r.month < $full_end
      AND ($regions IS NULL OR list_contains($regions, coalesce(s.region, $no_store)))
      AND ($stores IS NULL OR list_contains($stores, r.store_id))
      AND ($sources IS NULL OR list_contains($sources, 'service'))
      AND ($channels IS NULL OR list_contains($channels, coalesce(r.channel, $no_channel)))
      AND ($formats IS NULL OR list_contains($formats, coalesce(s.format, $no_format)))
      AND ($scope_stores IS NULL OR list_contains($scope_stores, r.store_id))
), tm AS (
    SELECT r.*
    FROM touchpoint_month r
    LEFT JOIN stores s USING (store_id)
    WHERE r.month >= $full_start AND r.month < $full_end AND $sources IS NULL AND $channels IS NULL
      AND ($regions IS NULL OR list_contains($regions, coalesce(s.region, $no_store)))
      AND ($stores IS NULL OR list_contains($stores, coalesce(r.store_id, $no_store)))
      AND ($formats IS NULL OR list_contains($formats, coalesce(s.format, $no_format)))
      AND ($scope_stores IS NULL OR list_contains($scope_stores, r.store_id))
), ftw AS (
    SELECT * FROM ft
    WHERE $sources IS NOT NULL OR $channels IS NOT NULL OR created_at < $full_start OR created_at >= $full_end
)
