-- record_kr_history: appends each key result's Start/Target when new or changed since
-- the last recorded sync, so moved targets can be told across syncs.
-- Parameters: $sync_id, $synced_at.
INSERT INTO kr_history
SELECT $sync_id, $synced_at, k.kr_id, k.start_value, k.target
FROM key_results AS k
LEFT JOIN (
    SELECT kr_id, arg_max(start_value, sync_id) AS start_value, arg_max(target, sync_id) AS target
    FROM kr_history GROUP BY kr_id
) AS last USING (kr_id)
WHERE last.kr_id IS NULL OR last.target <> k.target OR last.start_value <> k.start_value;
