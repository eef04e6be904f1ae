-- champions: one row per champion named in the Teams tab (null: teams with none, and key results
-- of teams not in the tab), with their teams (sorted) and, over the key results of $cycles that
-- contain $as_of, those missing last full week's check-in and those stalled.
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
WITH krs AS (
    SELECT * FROM champion_krs($as_of, $cycles, $review) WHERE list_contains($cycles, cycle)
),
people AS (
    SELECT champion, team FROM teams
    UNION
    SELECT DISTINCT NULL, team FROM krs WHERE team NOT IN (SELECT team FROM teams)
)
SELECT p.champion,
       list(DISTINCT p.team ORDER BY p.team) AS teams,
       coalesce(list(k.kr_id ORDER BY k.kr_id) FILTER (WHERE k.missing), []) AS missing,
       coalesce(list(k.kr_id ORDER BY k.kr_id) FILTER (WHERE len(k.stalled) > 0), []) AS stalled
FROM people AS p
LEFT JOIN krs AS k ON k.team = p.team
GROUP BY p.champion
ORDER BY p.champion NULLS LAST;
