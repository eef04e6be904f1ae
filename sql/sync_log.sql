-- sync_log: every sync recorded in this database, newest first; takes no parameters.
SELECT sync_id, synced_at, source, kind, sheet_url, rows_per_tab, issues, duration_s
FROM sync_log ORDER BY sync_id DESC;
