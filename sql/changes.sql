-- changes: KRs of $cycles whose status moved, or that newly stalled, between $as_of minus
-- 7 days and $as_of. Columns: the KR, status_before, status_now, new_stalls (reasons new this week).
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
WITH now AS (
    SELECT * FROM kr_measures($as_of, $cycles, $review)
    WHERE list_contains($cycles, cycle)
),
before AS (
    SELECT kr_id, status, stalled
    FROM kr_measures(week_before($as_of), $cycles, $review)  -- seven days before $as_of
)
SELECT now.kr_id, now.key_result, now.value_stream, now.team, now.mode,
       before.status AS status_before, now.status AS status_now,
       list_filter(now.stalled, lambda reason: NOT list_contains(before.stalled, reason)) AS new_stalls,
       now.progress, now.expected
FROM now JOIN before USING (kr_id)
WHERE before.status IS DISTINCT FROM now.status
   OR len(list_filter(now.stalled, lambda reason: NOT list_contains(before.stalled, reason))) > 0
ORDER BY now.value_stream, now.kr_id;
