-- champion_list: a champion's key results to ask about as of $as_of: those of $champion's teams in
-- $cycles missing last full week's check-in or stalled, with the latest note; an empty $champion means
-- teams with no champion. Parameters: $as_of, $cycles, $champion, and $review.
SELECT kr_id, team, value_stream, key_result, status, progress, expected, missing, last_full_week, stalled,
       weeks_since_change, current, target, confidence, note, note_week, "row"
FROM champion_krs($as_of, $cycles, $review)
WHERE list_contains($cycles, cycle) AND coalesce(champion, '') = $champion AND (missing OR len(stalled) > 0)
ORDER BY team, kr_id;
