-- value_streams: per value stream and cycle in $cycles, the mean clamped progress of its KRs
-- against their mean expected pace, as of $as_of (defined once in stream_measures).
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
SELECT *
FROM stream_measures($as_of, $cycles, $review)
ORDER BY cycle, value_stream;
