DELETE FROM mentions WHERE feedback_id IN (SELECT feedback_id FROM staged_upd);
DELETE FROM sensitive_hits WHERE feedback_id IN (SELECT feedback_id FROM staged_upd);
DELETE FROM feedback_touchpoints WHERE feedback_id IN (SELECT feedback_id FROM staged_upd);
