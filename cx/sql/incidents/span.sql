-- First and last day of feedback with a store (from the store_days roll-up).
SELECT min(day), max(day) FROM store_days
