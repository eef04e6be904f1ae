-- estimation: every cycle closed by $as_of side by side, so a leader sees whether estimates get better:
-- per team and per value stream, the mean final achievement (progress at the cycle's last check-in, as the
-- retrospective shows each key result's: 112% is 112%, not capped) of its pace key results. Columns: grouping ('team' or 'value stream'), name, cycle,
-- start_date, achievement, key_results. Parameters: $as_of and $review.
-- Each KR's progress at $as_of comes from pace_at (sql/measures.sql), not kr_measures' whole computation.
WITH krs AS (
    SELECT * FROM pace_at($as_of, (SELECT coalesce(list(cycle), []) FROM cycles WHERE cycle_closed(end_date, $as_of)),
                          $review, false)
    WHERE NOT health
)
SELECT 'team' AS grouping, team AS name, cycle, min(start_date) AS start_date,
       avg(progress) AS achievement, count(*) AS key_results
FROM krs GROUP BY team, cycle
UNION ALL
SELECT 'value stream', value_stream, cycle, min(start_date), avg(progress), count(*)
FROM krs GROUP BY value_stream, cycle
ORDER BY grouping, name, start_date;
