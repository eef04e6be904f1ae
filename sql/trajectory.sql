-- trajectory: week by week, each value stream's progress against its pace, and the whole cycle's
-- (value_stream null, over all its pace key results), for $cycles: one row per week from the cycle's
-- first week to the week holding $as_of (at most its last week), measured as of that week's Sunday, or
-- as of $as_of for its own week. Columns: value_stream, cycle, week (Monday), progress, expected.
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
WITH weeks AS (
    SELECT cycle, week, least(week + 6, CAST($as_of AS DATE)) AS moment FROM cycle_weeks($as_of, $cycles)
)
SELECT kr.value_stream, w.cycle, w.week,
       stream_progress(kr.progress_clamped) AS progress, stream_expected(kr.expected) AS expected
FROM weeks AS w,
     LATERAL (SELECT * FROM kr_measures(w.moment, [w.cycle], $review)) AS kr
GROUP BY GROUPING SETS ((w.cycle, w.week, kr.value_stream), (w.cycle, w.week))
ORDER BY w.cycle, kr.value_stream NULLS FIRST, w.week;
