-- A JSON submission's rejects are numbered by item (第 N 条), not by the line of the staged sheet.
UPDATE rejects AS r SET row_number = m.item
FROM staged_numbers AS m
WHERE r.import_id = $import_id AND r.row_number = m.line
