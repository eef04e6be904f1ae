-- key_results: every key result of the cycles in $cycles with its measures as of $as_of, and
-- projected_end: where its value lands at the cycle's end at its rate so far (from a tenth of the
-- cycle on, while the cycle runs).
-- Parameters: $as_of, $cycles (list of names), and $review (the thresholds and words in force).
SELECT kr_id, objective_id, objective, cycle, value_stream, team, mode, key_result, type, health, unit,
       start_value, target, current, progress, progress_clamped, expected, status, stalled,
       weeks_since_change, last_checkin, checked_weeks, elapsed_weeks, start_date, end_date, "row",
       confidence, note, note_week,
       CASE WHEN in_cycle AND expected >= 0.1 THEN start_value + (current - start_value) / expected END AS projected_end
FROM kr_measures($as_of, $cycles, $review)
WHERE list_contains($cycles, cycle)
ORDER BY value_stream, objective_id, kr_id;
