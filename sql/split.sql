-- split: OKR-driven and KPI-driven teams side by side (and Unknown when any), for $cycles
-- as of $as_of: teams, key results, mean clamped progress, share of KRs on track, and
-- check-in discipline = checked weeks / elapsed weeks summed over the group's KRs.
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force).
WITH kr AS (
    SELECT * FROM kr_measures($as_of, $cycles, $review)
    WHERE list_contains($cycles, cycle)
),
team_modes AS (
    SELECT team, mode FROM teams
    UNION
    SELECT DISTINCT team, $review['modes'][-1] FROM kr WHERE team NOT IN (SELECT team FROM teams)
),
modes AS (SELECT unnest($review['modes']) AS mode, unnest(range(len($review['modes']))) AS sort)
SELECT m.mode,
       count(DISTINCT tm.team) AS teams,
       count(kr.kr_id) AS key_results,
       avg(kr.progress_clamped) AS progress,
       on_track_share(kr.status, $review) AS on_track_share,
       checkin_discipline(kr.checked_weeks, kr.elapsed_weeks) AS checkin_discipline
FROM modes AS m
LEFT JOIN team_modes AS tm ON tm.mode = m.mode
LEFT JOIN kr ON kr.team = tm.team AND kr.mode = m.mode
GROUP BY m.mode, m.sort
HAVING m.mode <> $review['modes'][-1] OR count(tm.team) > 0  -- Unknown only when a team is
ORDER BY m.sort;
