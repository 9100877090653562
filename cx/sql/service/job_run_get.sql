SELECT last_fire FROM job_runs WHERE job_id = $job_id
