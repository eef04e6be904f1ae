-- teams: every team with key results in $cycles as of $as_of: its mode, value streams,
-- key results, mean clamped progress, on-track share and check-in discipline. Teams are
-- measured, never individuals. Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
SELECT team, mode,
       list(DISTINCT value_stream ORDER BY value_stream) AS value_streams,
       count(*) AS key_results,
       avg(progress_clamped) AS progress,
       on_track_share(status, $review) AS on_track_share,
       checkin_discipline(checked_weeks, elapsed_weeks) AS checkin_discipline,
       count(*) FILTER (WHERE len(stalled) > 0) AS stalled
FROM kr_measures($as_of, $cycles, $review)
WHERE list_contains($cycles, cycle)
GROUP BY team, mode
ORDER BY mode, team;
