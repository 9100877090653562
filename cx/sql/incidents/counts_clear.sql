DELETE FROM incident_counts WHERE day >= CAST($start AS DATE) AND day < CAST($end AS DATE)
