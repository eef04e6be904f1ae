-- kr_checkins: one key result's weekly values up to $as_of, oldest first, with the linear pace on each week
-- (Start at the cycle's start to Target at its end), and the confidence and note given for the week
-- (the notes tab or the long layout). Parameters: $kr_id, $as_of.
SELECT ch.week, ch.value, s.confidence, s.note,
       k.start_value + (k.target - k.start_value) * cycle_elapsed(c.start_date, c.end_date, ch.week) AS pace
FROM checkins AS ch
JOIN key_results AS k USING (kr_id)
JOIN objectives AS o USING (objective_id)
JOIN cycles AS c USING (cycle)
LEFT JOIN notes_by_week() AS s ON s.kr_id = ch.kr_id AND s.week = ch.week
WHERE ch.kr_id = $kr_id AND ch.week <= CAST($as_of AS DATE)
ORDER BY ch.week;
