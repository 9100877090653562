SELECT count(*) FROM feedback WHERE text IS NOT NULL
