-- to_ask_about: the key results a review asks about, with their team's champion (null: none): those of
-- $cycles (that contain $as_of) missing last full week's check-in or stalled, in the order the meeting takes
-- them: by value stream, the longest unchanged first. The Meeting page walks them; each champion's nudge is
-- their share. Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
SELECT kr_id, team, champion, value_stream, key_result, status, progress, expected, missing, last_full_week,
       stalled, weeks_since_change, current, target, confidence, note, note_week
FROM champion_krs($as_of, $cycles, $review)
WHERE list_contains($cycles, cycle) AND (missing OR len(stalled) > 0)
ORDER BY value_stream, weeks_since_change DESC NULLS LAST, kr_id;
