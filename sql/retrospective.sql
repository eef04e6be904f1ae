-- retrospective: the final achievement of each key result of $cycles as of $as_of (for a
-- closed cycle, its last check-in), with its band: the last of $band_names whose start in
-- $band_starts (ascending shares, words.BANDS) is at or below the achievement; below the first
-- start, the first band.
-- Parameters: $as_of, $cycles, $band_names, $band_starts, and the thresholds of kr_measures.
SELECT kr_id, key_result, value_stream, team, mode, cycle, progress AS achievement,
       CAST($band_names AS VARCHAR[])[greatest(1, len(list_filter(CAST($band_starts AS DOUBLE[]),
                                                                  lambda start: start <= progress)))] AS band
FROM kr_measures($as_of, $cycles, $on_track_margin, $at_risk_margin, $movement_checkins, $no_checkin_days, $flat_elapsed)
WHERE list_contains($cycles, cycle)
ORDER BY value_stream, team, kr_id;
