-- habits: check-in habits, teams by weeks, for $cycles: each complete week (its Sunday on or before
-- $as_of) of each cycle, per team, how many of its key results there are, how many have a check-in for
-- the week and how many of those changed the value; habit is the first of $review['habits'] (checked
-- in), the second (no movement: every KR checked in, none moved) or the third (missing: a KR without one).
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
WITH krs AS (
    SELECT k.kr_id, k.team, o.cycle
    FROM key_results AS k JOIN objectives AS o USING (objective_id)
    WHERE list_contains($cycles, o.cycle)
),
said AS (  -- each check-in with the value before it (Start before the first)
    SELECT ch.kr_id, ch.week, ch.value,
           coalesce(lag(ch.value) OVER (PARTITION BY ch.kr_id ORDER BY ch.week), k.start_value) AS before
    FROM checkins AS ch JOIN key_results AS k USING (kr_id)
)
SELECT k.team, w.cycle, w.week, count(*) AS key_results, count(s.kr_id) AS checked,
       count(s.kr_id) FILTER (WHERE s.value <> s.before) AS moved,
       CASE WHEN count(s.kr_id) < count(*) THEN $review['habits'][3]
            WHEN count(s.kr_id) FILTER (WHERE s.value <> s.before) = 0 THEN $review['habits'][2]
            ELSE $review['habits'][1] END AS habit
FROM cycle_weeks($as_of, $cycles) AS w
JOIN krs AS k ON k.cycle = w.cycle
LEFT JOIN said AS s ON s.kr_id = k.kr_id AND s.week = w.week
WHERE w.week + 6 <= CAST($as_of AS DATE)
GROUP BY k.team, w.cycle, w.week
ORDER BY w.cycle, k.team, w.week;
