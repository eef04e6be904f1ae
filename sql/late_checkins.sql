-- late_checkins: per team with key results in $cycles, how its check-ins arrived: checkins counts the
-- values whose arrival a sync saw (the first sync that had the value for that KR and week; not the
-- first sync in the history, nor a KR's first sync), late those first seen more than 7 days after
-- their week's Sunday, share_late their share, most_days_late the longest wait after that Sunday.
-- Arrival is when a sync first saw the value: syncs further apart than a week make values look late.
-- Parameters: $cycles.
WITH krs AS (
    SELECT k.kr_id, k.team
    FROM key_results AS k JOIN objectives AS o USING (objective_id)
    WHERE list_contains($cycles, o.cycle)
),
first_seen AS (SELECT kr_id, week, min(seen_from) AS sync_id FROM checkins_history GROUP BY kr_id, week),
arrived AS (  -- only arrivals a sync saw happen (value_changes leaves the others out)
    SELECT v.kr_id, v.week, v.seen_at
    FROM first_seen AS f JOIN value_changes() AS v USING (kr_id, week, sync_id)
    WHERE v.before IS NULL
),
waits AS (
    SELECT team, days_after_week, days_after_week > 7 AS late
    FROM (SELECT k.team, date_diff('day', a.week + 6, CAST(a.seen_at AS DATE)) AS days_after_week
          FROM arrived AS a JOIN krs AS k USING (kr_id))
)
SELECT t.team, count(w.days_after_week) AS checkins,
       count(*) FILTER (WHERE w.late) AS late,
       CAST(count(*) FILTER (WHERE w.late) AS DOUBLE) / nullif(count(w.days_after_week), 0) AS share_late,
       max(w.days_after_week) FILTER (WHERE w.late) AS most_days_late
FROM (SELECT DISTINCT team FROM krs) AS t
LEFT JOIN waits AS w ON w.team IS NOT DISTINCT FROM t.team
GROUP BY t.team
ORDER BY share_late DESC NULLS LAST, t.team;
