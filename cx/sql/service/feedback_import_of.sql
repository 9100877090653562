-- The import that last wrote each of these feedback rows (a re-submission that changed a row sets it).
SELECT feedback_id, import_id FROM feedback WHERE feedback_id IN (SELECT unnest($ids::VARCHAR[]))
