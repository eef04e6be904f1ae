-- retrospective: the final achievement of each key result of $cycles as of $as_of (for a
-- closed cycle, its last check-in), with its band: the last of $review['band_names'] whose start
-- in $review['band_starts'] (ascending shares, words.BANDS) is at or below the achievement; below
-- the first start, the first band.
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
SELECT kr_id, key_result, value_stream, team, mode, cycle, progress AS achievement,
       $review['band_names'][greatest(1, len(list_filter($review['band_starts'],
                                                               lambda start: start <= progress)))] AS band
FROM kr_measures($as_of, $cycles, $review)
WHERE list_contains($cycles, cycle) AND NOT health  -- a health KR has a line, not an achievement
ORDER BY value_stream, team, kr_id;
