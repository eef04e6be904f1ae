-- value_streams: one row per value stream and cycle in $cycles, as of $as_of:
--   progress = mean clamped progress of its pace KRs; expected = their mean expected; status by
--   stream_status, behind by stream_behind; kept / breached = its health KRs meeting / missing their line.
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
SELECT value_stream, cycle,
       stream_progress(progress_clamped) AS progress,
       stream_expected(expected) AS expected,
       stream_status(progress_clamped, expected, health, status, $review) AS status,
       stream_behind(stream_status(progress_clamped, expected, health, status, $review), $review) AS behind,
       count(*) AS key_results,
       count(*) FILTER (WHERE health) - stream_breached(health, status, $review) AS kept,
       stream_breached(health, status, $review) AS breached,
       count(DISTINCT objective_id) AS objectives,
       list(DISTINCT team ORDER BY team) AS teams,
       count(*) FILTER (WHERE status = $review['statuses'][1]) AS on_track,
       count(*) FILTER (WHERE len(stalled) > 0) AS stalled
FROM kr_measures($as_of, $cycles, $review)
GROUP BY value_stream, cycle
ORDER BY cycle, value_stream;
