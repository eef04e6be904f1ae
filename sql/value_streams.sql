-- value_streams: per value stream and cycle in $cycles, the mean clamped progress of its KRs
-- against their mean expected pace, as of $as_of (defined once in stream_measures).
-- Parameters: $as_of, $cycles, and the thresholds of kr_measures.
SELECT *
FROM stream_measures($as_of, $cycles, $on_track_margin, $at_risk_margin, $movement_checkins, $no_checkin_days,
                     $flat_elapsed)
ORDER BY cycle, value_stream;
