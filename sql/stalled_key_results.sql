-- stalled_key_results: stalled KRs of $cycles as of $as_of, filtered; an empty filter list
-- means "any". Filters: $value_streams, $teams, $modes, $reasons (any of), $min_weeks
-- (weeks since last change). Parameters also: $review (the thresholds and words in force).
SELECT kr_id, key_result, value_stream, team, mode, stalled, weeks_since_change, start_value, current, target,
       progress, expected, status, last_checkin, confidence, note, note_week, "row"
FROM kr_measures($as_of, $cycles, $review)
WHERE list_contains($cycles, cycle)
  AND len(stalled) > 0
  AND (len(CAST($value_streams AS VARCHAR[])) = 0 OR list_contains($value_streams, value_stream))
  AND (len(CAST($teams AS VARCHAR[])) = 0 OR list_contains($teams, team))
  AND (len(CAST($modes AS VARCHAR[])) = 0 OR list_contains($modes, mode))
  AND (len(CAST($reasons AS VARCHAR[])) = 0 OR len(list_intersect(stalled, $reasons)) > 0)
  AND weeks_since_change >= $min_weeks
ORDER BY weeks_since_change DESC, value_stream, kr_id;
