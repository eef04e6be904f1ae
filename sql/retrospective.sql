-- retrospective: the final achievement of each key result of $cycles as of $as_of (for a
-- closed cycle, its last check-in), with a band: 'missed' below 0.5, 'estimation lesson' from
-- 0.5 to under 0.7, 'achieved' from 0.7 to under 1, 'reached' at 1 or more.
-- Parameters: $as_of, $cycles, and the thresholds of kr_measures.
SELECT kr_id, key_result, value_stream, team, mode, cycle, progress AS achievement,
       CASE WHEN progress >= 1 THEN 'reached'
            WHEN progress >= 0.7 THEN 'achieved'
            WHEN progress >= 0.5 THEN 'estimation lesson'
            ELSE 'missed' END AS band
FROM kr_measures($as_of, $cycles, $on_track_margin, $at_risk_margin, $movement_checkins, $no_checkin_days, $flat_elapsed)
WHERE list_contains($cycles, cycle)
ORDER BY value_stream, team, kr_id;
