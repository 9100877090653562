INSERT INTO kano_answers (answer_id, respondent, feature, functional, dysfunctional, created_at, store_id, import_id)
SELECT answer_id, respondent, feature, CAST(functional AS TINYINT), CAST(dysfunctional AS TINYINT),
       CAST(created_at AS TIMESTAMP), store_id, $import_id
FROM staged
WHERE answer_id NOT IN (SELECT answer_id FROM kano_answers)
RETURNING answer_id
