-- Ticket (and incident) states become stable codes (cx.vocab): the Chinese words they were stored as are now only labels.
--   待处理 → open · 处理中 → in_progress · 已升级 → escalated · 已解决 → resolved · 已关闭 → closed
-- ticket_events already stores event codes (created, assigned, escalated …); no other table stores ticket states.
UPDATE tickets SET status = CASE status
    WHEN '待处理' THEN 'open'
    WHEN '处理中' THEN 'in_progress'
    WHEN '已升级' THEN 'escalated'
    WHEN '已解决' THEN 'resolved'
    WHEN '已关闭' THEN 'closed'
    END
WHERE status IN ('待处理', '处理中', '已升级', '已解决', '已关闭');

-- Incident states likewise (cx.vocab): 进行中 → active · 已平息 → subsided.
UPDATE incidents SET status = CASE status WHEN '进行中' THEN 'active' WHEN '已平息' THEN 'subsided' END
WHERE status IN ('进行中', '已平息');
