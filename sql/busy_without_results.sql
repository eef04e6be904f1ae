-- busy_without_results: KRs of $cycles with at least $busy_done_actions actions Done whose
-- status as of $as_of is off track: activity is happening, the result is not moving.
-- Parameters: $as_of, $cycles, $busy_done_actions, and the thresholds of kr_measures.
WITH done AS (
    SELECT kr_id, count(*) AS done_actions FROM actions WHERE status = 'Done' GROUP BY kr_id
)
SELECT kr.kr_id, kr.key_result, kr.value_stream, kr.team, kr.mode, kr.cycle, done.done_actions,
       kr.progress, kr.expected, kr.status
FROM kr_measures($as_of, $cycles, $on_track_margin, $at_risk_margin, $movement_checkins, $no_checkin_days, $flat_elapsed) AS kr
JOIN done USING (kr_id)
WHERE list_contains($cycles, kr.cycle) AND done.done_actions >= $busy_done_actions AND kr.status = 'off track'
ORDER BY done.done_actions DESC, kr.kr_id;
