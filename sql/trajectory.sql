-- trajectory: week by week, each value stream's progress against its pace, and the whole cycle's
-- (value_stream null, over all its pace key results), for $cycles: one row per week from the cycle's
-- first week to the week holding $as_of (at most its last week), measured as of that week's Sunday, or
-- as of $as_of for its own week. Columns: value_stream, cycle, week (Monday), progress, expected.
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
--
-- Each week's figures are kr_measures' at that moment (tests/test_trajectory.py holds them equal): current
-- is the latest check-in at or before the moment, else Start. Every week is measured in one pass, an ASOF
-- join of each key result's moments with its check-ins, rather than kr_measures once per week (at 10,000 key
-- results a quarter: 40 ms against 150 ms).
WITH weeks AS (
    SELECT cycle, week, least(week + 6, CAST($as_of AS DATE)) AS moment FROM cycle_weeks($as_of, $cycles)
),
moments AS (  -- every key result of a cycle at each of its weeks' moments
    SELECT w.cycle, w.week, w.moment, k.kr_id, o.value_stream, k.start_value, k.target,
           health_kr(k.type, $review) AS health, c.start_date, c.end_date
    FROM weeks AS w
    JOIN objectives AS o USING (cycle)
    JOIN key_results AS k USING (objective_id)
    JOIN cycles AS c USING (cycle)
),
measured AS (  -- health KRs have no progress and no pace, as in kr_measures
    SELECT m.value_stream, m.cycle, m.week,
           CASE WHEN NOT m.health
                THEN clamp01(kr_progress(coalesce(ch.value, m.start_value), m.start_value, m.target)) END
               AS progress_clamped,
           CASE WHEN NOT m.health THEN cycle_elapsed(m.start_date, m.end_date, m.moment) END AS expected
    FROM moments AS m
    ASOF LEFT JOIN checkins AS ch ON ch.kr_id = m.kr_id AND ch.week <= m.moment
)
SELECT value_stream, cycle, week, stream_progress(progress_clamped) AS progress, stream_expected(expected) AS expected
FROM measured
GROUP BY GROUPING SETS ((cycle, week, value_stream), (cycle, week))
ORDER BY cycle, value_stream NULLS FIRST, week;
