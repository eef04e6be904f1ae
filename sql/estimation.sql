-- estimation: every cycle closed by $as_of side by side, so a leader sees whether estimates get better:
-- per team and per value stream, the mean final achievement (clamped progress at the cycle's last
-- check-in) of its pace key results. Columns: grouping ('team' or 'value stream'), name, cycle,
-- start_date, achievement, key_results. Parameters: $as_of and $review.
--
-- Each KR's progress is kr_measures' at $as_of (tests/test_estimation.py holds them equal): the latest
-- check-in at or before it, else Start, found by an ASOF join rather than kr_measures' whole computation
-- (at 10,000 key results, three closed quarters: 100 ms to 47 ms).
WITH pace AS (  -- the pace key results of the cycles closed by $as_of
    SELECT k.kr_id, k.team, o.value_stream, c.cycle, c.start_date, k.start_value, k.target,
           CAST($as_of AS DATE) AS moment
    FROM key_results AS k
    JOIN objectives AS o USING (objective_id)
    JOIN cycles AS c USING (cycle)
    WHERE c.end_date < CAST($as_of AS DATE) AND NOT health_kr(k.type, $review)
),
krs AS (
    SELECT p.*, clamp01(kr_progress(coalesce(ch.value, p.start_value), p.start_value, p.target)) AS progress_clamped
    FROM pace AS p
    -- at or before, kr_measures' rule (for a closed cycle every check-in is before $as_of anyway: the reader
    -- leaves out a week after its cycle's end, so a strict < gives the same figures)
    ASOF LEFT JOIN checkins AS ch ON ch.kr_id = p.kr_id AND ch.week <= p.moment
)
SELECT 'team' AS grouping, team AS name, cycle, min(start_date) AS start_date,
       avg(progress_clamped) AS achievement, count(*) AS key_results
FROM krs GROUP BY team, cycle
UNION ALL
SELECT 'value stream', value_stream, cycle, min(start_date), avg(progress_clamped), count(*)
FROM krs GROUP BY value_stream, cycle
ORDER BY grouping, name, start_date;
