-- busy_without_results: KRs of $cycles with at least $review['busy_done_actions'] actions Done whose
-- status as of $as_of is off track: activity is happening, the result is not moving.
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
WITH done AS (
    SELECT kr_id, count(*) AS done_actions FROM actions WHERE status = $review['done_status'] GROUP BY kr_id
)
SELECT kr.kr_id, kr.key_result, kr.value_stream, kr.team, kr.mode, kr.cycle, done.done_actions,
       kr.progress, kr.expected, kr.status
FROM kr_measures($as_of, $cycles, $review) AS kr
JOIN done USING (kr_id)
WHERE list_contains($cycles, kr.cycle) AND done.done_actions >= $review['busy_done_actions'] AND kr.status = $review['statuses'][3]
ORDER BY done.done_actions DESC, kr.kr_id;
