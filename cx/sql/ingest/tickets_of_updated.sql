-- Open tickets raised on a record that an import has just updated get a note in their audit trail, so the
-- handler sees that the customer changed the review/answer (the ticket keeps its history).
INSERT INTO ticket_events (ticket_id, event_at, actor, event, detail)
SELECT t.ticket_id, $at, '导入', 'commented',
       '原始反馈已被导入更新（导入 ' || $import_id || '）：' || coalesce(CAST(f.rating AS VARCHAR) || ' 星；', '')
       || coalesce(left(f.text, 80), '（无文本）')
FROM tickets t JOIN feedback f USING (feedback_id)
WHERE t.feedback_id IN (SELECT feedback_id FROM staged_upd) AND t.status IN ('open', 'in_progress', 'escalated')
RETURNING ticket_id
