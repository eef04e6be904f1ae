-- value_streams: per value stream and cycle in $cycles, the mean clamped progress of its KRs
-- against their mean expected pace, as of $as_of.
-- Parameters: $as_of, $cycles, and the thresholds of kr_measures.
SELECT value_stream, cycle,
       avg(progress_clamped) AS progress,
       avg(expected) AS expected,
       okr_status(avg(progress_clamped), avg(expected), $on_track_margin, $at_risk_margin) AS status,
       count(*) AS key_results,
       count(DISTINCT objective_id) AS objectives,
       list(DISTINCT team ORDER BY team) AS teams,
       count(*) FILTER (WHERE status = 'on track') AS on_track,
       count(*) FILTER (WHERE len(stalled) > 0) AS stalled
FROM kr_measures($as_of, $cycles, $on_track_margin, $at_risk_margin, $movement_checkins, $no_checkin_days, $flat_elapsed)
WHERE list_contains($cycles, cycle)
GROUP BY value_stream, cycle
ORDER BY cycle, value_stream;
