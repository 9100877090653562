SELECT job_id, last_fire, last_run_at, outcome FROM job_runs ORDER BY job_id
