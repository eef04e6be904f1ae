-- step_owners: what a next step may name: every key result of the synced workbook with its team, and every
-- team (the Teams tab's, and any a key result names). Parameters: none.
SELECT 'kr' AS kind, kr_id AS name, team FROM key_results
UNION ALL
SELECT DISTINCT 'team', team, team FROM (SELECT team FROM teams UNION SELECT team FROM key_results)
WHERE team IS NOT NULL
ORDER BY kind, name;
