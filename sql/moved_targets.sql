-- moved_targets: KRs of $cycles whose Target changed, as seen by a sync after their cycle started
-- (every sync in this database, whatever the as-of date: the figures already use the new Target).
-- One row per change: the target before and after, and when the sync saw it.
WITH changes AS (
    SELECT after.kr_id, before.target AS previous_target, after.target AS new_target, after.seen_from AS sync_id
    FROM key_results_history AS after
    JOIN key_results_history AS before ON before.kr_id = after.kr_id AND before.gone_at = after.seen_from
    WHERE before.target <> after.target
)
SELECT k.kr_id, k.key_result, o.value_stream, k.team, o.cycle,
       ch.previous_target, ch.new_target, s.synced_at AS seen_at
FROM changes AS ch
JOIN sync_log AS s USING (sync_id)
JOIN key_results AS k USING (kr_id)
JOIN objectives AS o USING (objective_id)
JOIN cycles AS c USING (cycle)
WHERE CAST(s.synced_at AS DATE) > c.start_date
  AND list_contains($cycles, o.cycle)
ORDER BY s.synced_at, k.kr_id;
