-- sync_log: every sync recorded in this database, newest first, failed ones included (status
-- 'failed' with the sentence in error); takes no parameters.
SELECT sync_id, synced_at, status, source, kind, sheet_url, rows_per_tab, issues, duration_s, error
FROM sync_log ORDER BY synced_at DESC, rowid DESC;  -- rowid: the order syncs were logged in
