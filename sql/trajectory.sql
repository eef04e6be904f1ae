-- trajectory: week by week, each value stream's progress against its pace, and the whole cycle's
-- (value_stream null, over all its pace key results), for $cycles: one row per week from the cycle's
-- first week to the week holding $as_of (at most its last week), measured as of that week's Sunday, or
-- as of $as_of for its own week. Columns: value_stream, cycle, week (Monday), progress, expected.
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
WITH weeks AS (
    SELECT c.cycle, CAST(w.week AS DATE) AS week,
           least(CAST(w.week AS DATE) + 6, CAST($as_of AS DATE)) AS moment
    FROM cycles AS c,
         LATERAL (SELECT unnest(generate_series(date_trunc('week', c.start_date),
                                                date_trunc('week', least(CAST($as_of AS DATE), c.end_date)),
                                                INTERVAL 7 DAY)) AS week) AS w
    WHERE list_contains($cycles, c.cycle) AND c.start_date <= CAST($as_of AS DATE)
)
SELECT kr.value_stream, w.cycle, w.week,
       stream_progress(kr.progress_clamped) AS progress, stream_expected(kr.expected) AS expected
FROM weeks AS w,
     LATERAL (SELECT * FROM kr_measures(w.moment, [w.cycle], $review)) AS kr
GROUP BY GROUPING SETS ((w.cycle, w.week, kr.value_stream), (w.cycle, w.week))
ORDER BY w.cycle, kr.value_stream NULLS FIRST, w.week;
