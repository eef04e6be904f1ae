-- next_step_moves: whether each next step's key result moved since it was recorded: it has a check-in value
-- for a week after the week the step was recorded in (up to $as_of) that differs from its value then.
-- The steps come as parallel lists: $kr_ids, $recorded_on (the day each was recorded) and $values_then (its
-- key result's current value as of that day, as sql/key_results.sql gives it; NULL if it had none).
-- Parameters: $kr_ids, $recorded_on, $values_then, $as_of.
WITH steps AS (
    SELECT UNNEST(range(len($kr_ids))) AS i, UNNEST($kr_ids::VARCHAR[]) AS kr_id,
           UNNEST($recorded_on::DATE[]) AS recorded_on, UNNEST($values_then::DOUBLE[]) AS value_then)
SELECT i, EXISTS (
    SELECT 1 FROM checkins
    WHERE checkins.kr_id = steps.kr_id
      AND date_trunc('week', checkins.week) > date_trunc('week', steps.recorded_on)
      AND checkins.week <= CAST($as_of AS DATE)
      AND checkins.value IS DISTINCT FROM steps.value_then) AS moved_since
FROM steps
ORDER BY i;
