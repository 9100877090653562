DELETE FROM incidents WHERE last_flagged >= $lo
