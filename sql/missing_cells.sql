-- missing_cells: the key results of $cycles that contain $as_of missing last full week's check-in,
-- by team, with the cell to type it in when the Check-ins tab is wide: the KR's row (where its values
-- stand) and last full week's column (where others' values for that week stand); null otherwise.
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
WITH krs AS (
    SELECT * FROM champion_krs($as_of, $cycles, $review) WHERE list_contains($cycles, cycle) AND missing
),
wide AS (SELECT count(DISTINCT col) > 1 AS yes FROM checkins),
grid_rows AS (
    SELECT kr_id, min("row") AS "row" FROM checkins GROUP BY kr_id HAVING count(DISTINCT "row") = 1
),
week_cols AS (
    SELECT week, min(col) AS col, min("column") AS label FROM checkins GROUP BY week HAVING count(DISTINCT col) = 1
)
SELECT k.team, k.champion, k.kr_id, k.key_result, k.last_full_week,
       CASE WHEN wide.yes THEN r."row" END AS "row", CASE WHEN wide.yes THEN w.col END AS col, w.label
FROM krs AS k
CROSS JOIN wide
LEFT JOIN grid_rows AS r USING (kr_id)
LEFT JOIN week_cols AS w ON w.week = k.last_full_week
ORDER BY k.team, k.kr_id;
