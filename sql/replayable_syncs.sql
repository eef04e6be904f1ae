-- replayable_syncs: the successful syncs whose workbook the history holds whole (a review can be shown
-- as each of them saw it), newest first.
SELECT sync_id, synced_at
FROM sync_log
WHERE status = 'ok' AND sync_id >= (SELECT CAST(value AS INTEGER) FROM okra_meta WHERE key = 'history_from')
ORDER BY sync_id DESC;
