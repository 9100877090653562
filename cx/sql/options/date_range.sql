SELECT min(created_at)::DATE AS first_day, max(created_at)::DATE AS last_day FROM feedback
