-- kr_notes: what the team said about one key result, week by week up to $as_of, newest first: its
-- confidence (0-10) and note (the notes tab or the long layout). Parameters: $kr_id, $as_of.
SELECT week, confidence, note
FROM notes_by_week()
WHERE kr_id = $kr_id AND week <= CAST($as_of AS DATE)
ORDER BY week DESC;
