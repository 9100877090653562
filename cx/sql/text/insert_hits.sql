INSERT INTO sensitive_hits SELECT feedback_id, class, severity, word FROM staged_hits
