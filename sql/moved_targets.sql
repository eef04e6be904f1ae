-- moved_targets: KRs of $cycles whose Target changed, as seen by a sync after their cycle
-- started and on or before $as_of. One row per change: the target before and after.
WITH changes AS (
    SELECT kr_id, synced_at, target,
           lag(target) OVER (PARTITION BY kr_id ORDER BY sync_id) AS previous_target
    FROM kr_history
)
SELECT k.kr_id, k.key_result, o.value_stream, k.team, o.cycle,
       ch.previous_target, ch.target AS new_target, ch.synced_at AS seen_at
FROM changes AS ch
JOIN key_results AS k USING (kr_id)
JOIN objectives AS o USING (objective_id)
JOIN cycles AS c USING (cycle)
WHERE ch.previous_target IS NOT NULL AND ch.previous_target <> ch.target
  AND CAST(ch.synced_at AS DATE) > c.start_date
  AND CAST(ch.synced_at AS DATE) <= CAST($as_of AS DATE)
  AND list_contains($cycles, o.cycle)
ORDER BY ch.synced_at, k.kr_id;
