INSERT INTO job_runs (job_id, last_fire, last_run_at, outcome) VALUES ($job_id, $fire, $at, $outcome)
ON CONFLICT (job_id) DO UPDATE SET last_fire = excluded.last_fire, last_run_at = excluded.last_run_at,
                                   outcome = excluded.outcome
