-- trajectory: week by week, each value stream's progress against its pace, and the whole cycle's
-- (value_stream null, over all its pace key results), for $cycles: one row per week from the cycle's
-- first week to the week holding $as_of (at most its last week), measured as of that week's Sunday, or
-- as of $as_of for its own week. Columns: value_stream, cycle, week (Monday), progress, expected, and running
-- (the week holding $as_of, not yet over: measured so far, which a chart draws as such).
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
-- Every week is measured in one pass (pace_at, sql/measures.sql) rather than kr_measures once per week.
SELECT value_stream, cycle, week, stream_progress(progress_clamped) AS progress, stream_expected(expected) AS expected,
       bool_or(week + 6 > CAST($as_of AS DATE)) AS running
FROM pace_at($as_of, $cycles, $review, true)
GROUP BY GROUPING SETS ((cycle, week, value_stream), (cycle, week))
ORDER BY cycle, value_stream NULLS FIRST, week;
