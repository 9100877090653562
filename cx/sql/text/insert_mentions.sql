INSERT INTO mentions SELECT feedback_id, stage, touchpoint, polarity, clause, keyword FROM staged_mentions
