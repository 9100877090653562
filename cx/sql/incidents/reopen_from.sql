-- The earliest first-flagged day among incidents a refresh from $lo may extend or change.
SELECT min(first_flagged) FROM incidents WHERE last_flagged >= $lo
