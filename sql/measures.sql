-- measures: the contract's §2 measures, defined once as macros on a reader connection.
-- Every query in sql/ that shows a figure reads it from kr_measures() and the stream_* aggregates below;
-- takes no parameters. The macros live in the reader's own in-memory catalog (not TEMP), so every
-- cursor of that connection sees them without defining them again (queries.cursor).
--
-- `review` is the struct Review binds as $review: the thresholds in force (on_track_margin,
-- at_risk_margin, movement_checkins, no_checkin_days, flat_elapsed, ...) and the words of
-- okra_dash/words.py (statuses: on track, at risk, off track; stall_reasons: no movement,
-- no check-in, flat at zero; modes: OKR, KPI, Unknown; done_status; band_names and band_starts),
-- so every word is written once.
--
-- kr_measures(as_of, cycles, review) returns one row per key result of the listed cycles with:
--   current        latest check-in value with week <= as_of, else Start
--   health         true for a health KR (Type Keep above / Keep below): its Target is a line to hold
--   progress       (current - Start) / (Target - Start), raw; progress_clamped in [0, 1]; null for health
--   expected       elapsed share of the cycle window, clamped to [0, 1]; null for health (no pace)
--   status         on track / at risk / off track (okr_status below); a health KR is on track while its
--                  current value is on the right side of the line, else off track
--   stalled        list of reasons, only for KRs whose cycle contains as_of; health KRs: no check-in only
--   weeks_since_change  whole weeks since the last check-in that changed the value
--   confidence / note / note_week  the latest confidence and the latest note given for a week started by as_of
--   elapsed_weeks / checked_weeks  for check-in discipline

CREATE OR REPLACE MACRO okr_status(progress, expected, review) AS
    CASE
        WHEN progress IS NULL OR expected IS NULL THEN NULL
        WHEN progress >= expected - review['on_track_margin'] THEN review['statuses'][1]
        WHEN progress >= expected - review['at_risk_margin'] THEN review['statuses'][2]
        ELSE review['statuses'][3]
    END;

-- greatest and least skip nulls (least(1.0, NULL) is 1.0), so a null stays null explicitly.
CREATE OR REPLACE MACRO clamp01(x) AS CASE WHEN x IS NOT NULL THEN greatest(0.0, least(1.0, x)) END;

-- A KR's type makes it a health KR: its Target is a line to hold, not a distance to go.
CREATE OR REPLACE MACRO health_kr(type, review) AS list_contains(review['health_types'], type);

-- A pace KR's progress, raw: how far current has moved from Start towards Target.
CREATE OR REPLACE MACRO kr_progress(current, start_value, target) AS (current - start_value) / (target - start_value);

-- A health KR's status: on track while current is on the right side of the Target line.
CREATE OR REPLACE MACRO health_status(type, current, target, review) AS
    CASE WHEN (type = review['health_types'][1] AND current >= target)
           OR (type = review['health_types'][2] AND current <= target)
         THEN review['statuses'][1] ELSE review['statuses'][3] END;

-- Group measures, used inside GROUP BY queries over kr_measures rows:
-- the share of key results on track, and check-in discipline (checked weeks / elapsed weeks, pooled).
CREATE OR REPLACE MACRO on_track_share(status, review) AS avg(CAST(status = review['statuses'][1] AS DOUBLE));
CREATE OR REPLACE MACRO checkin_discipline(checked_weeks, elapsed_weeks) AS
    sum(checked_weeks) / nullif(sum(elapsed_weeks), 0);
-- A value stream's progress is the mean clamped progress of its pace KRs, its expected their mean
-- expected (health KRs have neither, so avg passes them over). A stream of health KRs only is on
-- track while none of them is breached.
CREATE OR REPLACE MACRO stream_progress(progress_clamped) AS avg(progress_clamped);
CREATE OR REPLACE MACRO stream_expected(expected) AS avg(expected);
CREATE OR REPLACE MACRO stream_breached(health, status, review) AS
    count(*) FILTER (WHERE health AND status <> review['statuses'][1]);
CREATE OR REPLACE MACRO stream_status(progress_clamped, expected, health, status, review) AS
    CASE WHEN count(expected) > 0 THEN okr_status(stream_progress(progress_clamped), stream_expected(expected), review)
         WHEN stream_breached(health, status, review) = 0 THEN review['statuses'][1]
         ELSE review['statuses'][3] END;
-- A value stream is behind pace when its status is anything but on track.
CREATE OR REPLACE MACRO stream_behind(status, review) AS status <> review['statuses'][1];

-- What teams said, one row per key result and week (a week may have a row in the notes tab and in the
-- long layout): the confidence and the notes given for it.
CREATE OR REPLACE MACRO notes_by_week() AS TABLE
SELECT kr_id, week, max(confidence) AS confidence, string_agg(note, ' / ') AS note
FROM notes GROUP BY kr_id, week;

-- cycle_weeks(as_of, cycles): the Mondays of each listed cycle's weeks, from the week holding its start to
-- the week holding as_of (at most its last week).
CREATE OR REPLACE MACRO cycle_weeks(as_of, cycles) AS TABLE
SELECT c.cycle, CAST(w.week AS DATE) AS week
FROM cycles AS c,
     LATERAL (SELECT unnest(generate_series(date_trunc('week', c.start_date),
                                            date_trunc('week', least(CAST(as_of AS DATE), c.end_date)),
                                            INTERVAL 7 DAY)) AS week) AS w
WHERE list_contains(cycles, c.cycle) AND c.start_date <= CAST(as_of AS DATE);

-- The date the headline and the changes compare the review with ("last week"): seven days before it.
CREATE OR REPLACE MACRO week_before(as_of) AS CAST(as_of AS DATE) - 7;

-- The last full week before a date: the Monday 7 days before the Monday of the date's week (a Monday's is the
-- week that just ended). What champions chase and what "checked in" counts: a complete week, never one begun.
CREATE OR REPLACE MACRO last_full_week(as_of) AS CAST(date_trunc('week', CAST(as_of AS DATE)) AS DATE) - 7;

-- A cycle is closed from the day after its end: the retrospective offers it and the estimation counts it.
CREATE OR REPLACE MACRO cycle_closed(end_date, as_of) AS end_date < CAST(as_of AS DATE);

-- The elapsed share of a cycle window on a date: the linear pace ("expected").
CREATE OR REPLACE MACRO cycle_elapsed(start_date, end_date, as_of) AS
    CASE WHEN end_date = start_date THEN CAST(CAST(as_of AS DATE) >= start_date AS DOUBLE)
         ELSE clamp01(date_diff('day', start_date, CAST(as_of AS DATE)) / date_diff('day', start_date, end_date))
    END;

CREATE OR REPLACE MACRO kr_measures(as_of, cycles, review) AS TABLE
WITH kr AS (
    SELECT k.kr_id, k.objective_id, o.objective, o.cycle, o.value_stream, o.theme, k.team,
           coalesce(t.mode, review['modes'][-1]) AS mode, k.key_result, k.start_value, k.target, k.unit, k.type,
           k."row", c.start_date, c.end_date,
           CAST(as_of AS DATE) AS as_of_date,
           health_kr(k.type, review) AS health,
           CASE WHEN NOT health_kr(k.type, review) THEN cycle_elapsed(c.start_date, c.end_date, as_of) END AS expected
    FROM key_results AS k
    JOIN objectives AS o USING (objective_id)
    JOIN cycles AS c USING (cycle)
    LEFT JOIN teams AS t USING (team)
    WHERE list_contains(cycles, o.cycle)  -- early, so only the reviewed cycles are measured
),
seen AS (  -- check-ins known on the as-of date, each with the value before it
    SELECT ch.kr_id, ch.week, ch.value,
           coalesce(lag(ch.value) OVER (PARTITION BY ch.kr_id ORDER BY ch.week), kr.start_value) AS before,
           row_number() OVER (PARTITION BY ch.kr_id ORDER BY ch.week DESC) AS recency
    FROM checkins AS ch JOIN kr USING (kr_id)
    WHERE ch.week <= kr.as_of_date
),
per_kr AS (
    SELECT kr_id,
           arg_max(value, week) AS latest_value,
           max(week) AS last_checkin,
           count(*) AS checked_weeks,
           count(*) FILTER (WHERE recency <= review['movement_checkins']) AS recent_checkins,
           count(DISTINCT value) FILTER (WHERE recency <= review['movement_checkins']) AS recent_values,
           max(week) FILTER (WHERE value <> before) AS last_change,
           -- check-ins whose week starts in the no_checkin_days before as_of
           count(*) FILTER (WHERE week >= CAST(as_of AS DATE) - CAST(review['no_checkin_days'] AS INTEGER)) AS window_checkins
    FROM seen GROUP BY kr_id
),
said AS (  -- the latest confidence, and the latest note, given for a week started by as_of (one row a week)
    SELECT n.kr_id,
           arg_max(n.confidence, n.week) FILTER (WHERE n.confidence IS NOT NULL) AS confidence,
           arg_max(n.note, n.week) FILTER (WHERE coalesce(n.note, '') <> '') AS note,
           max(n.week) FILTER (WHERE coalesce(n.note, '') <> '') AS note_week
    FROM notes_by_week() AS n JOIN kr USING (kr_id)
    WHERE n.week <= kr.as_of_date
    GROUP BY n.kr_id
),
measured AS (
    SELECT kr.*, s.confidence, s.note, s.note_week,
           coalesce(p.latest_value, kr.start_value) AS current,
           CASE WHEN NOT kr.health THEN kr_progress(coalesce(p.latest_value, kr.start_value), kr.start_value, kr.target)
           END AS progress,
           p.last_checkin,
           coalesce(p.checked_weeks, 0) AS checked_weeks,
           coalesce(p.recent_checkins, 0) AS recent_checkins,
           p.recent_values,
           coalesce(p.last_change, kr.start_date) AS last_change,
           coalesce(p.window_checkins, 0) AS window_checkins,
           kr.as_of_date BETWEEN kr.start_date AND kr.end_date AS in_cycle,
           -- weeks of the cycle (Monday to Sunday, touching the window) that began by as_of
           CASE WHEN kr.as_of_date < date_trunc('week', kr.start_date) THEN 0
                ELSE date_diff('day', CAST(date_trunc('week', kr.start_date) AS DATE),
                               CAST(date_trunc('week', least(kr.as_of_date, kr.end_date)) AS DATE)) // 7 + 1
           END AS elapsed_weeks
    FROM kr
    LEFT JOIN per_kr AS p USING (kr_id)
    LEFT JOIN said AS s USING (kr_id)
)
SELECT m.* EXCLUDE (recent_checkins, recent_values, window_checkins),
       clamp01(m.progress) AS progress_clamped,
       CASE WHEN m.health THEN health_status(m.type, m.current, m.target, review)
            ELSE okr_status(clamp01(m.progress), m.expected, review) END AS status,
       list_filter([
           CASE WHEN m.in_cycle AND NOT m.health AND m.recent_checkins >= review['movement_checkins']
                     AND m.recent_values = 1
                THEN review['stall_reasons'][1] END,  -- no movement (a steady health KPI is good news)
           CASE WHEN m.in_cycle AND m.as_of_date - m.start_date >= review['no_checkin_days']
                     AND m.window_checkins = 0
                THEN review['stall_reasons'][2] END,  -- no check-in
           CASE WHEN m.in_cycle AND m.expected >= review['flat_elapsed'] AND clamp01(m.progress) = 0
                THEN review['stall_reasons'][3] END  -- flat at zero
       ], lambda reason: reason IS NOT NULL) AS stalled,
       date_diff('day', m.last_change, m.as_of_date) // 7 AS weeks_since_change
FROM measured AS m;

-- pace_at(as_of, cycles, review, weekly) returns, for every key result of the listed cycles, its clamped progress
-- and expected pace as kr_measures has them at a moment: at each week of its cycle (the week's Sunday, or as_of
-- in its own week) when weekly, else at as_of (week null). The figures that need nothing else (trajectory,
-- estimation) read this instead of kr_measures at every moment: current is the latest check-in at or before
-- the moment, found for all moments at once by an ASOF join (tests hold it equal to kr_measures). Health KRs
-- have neither progress nor pace. Columns: kr_id, team, value_stream, cycle, start_date, week, health,
-- progress (raw), progress_clamped, expected.
CREATE OR REPLACE MACRO pace_at(as_of, cycles, review, weekly) AS TABLE
WITH moments AS (
    SELECT cycle, week, least(week + 6, CAST(as_of AS DATE)) AS moment FROM cycle_weeks(as_of, cycles) WHERE weekly
    UNION ALL
    SELECT cycle, NULL, CAST(as_of AS DATE) FROM cycles WHERE NOT weekly AND list_contains(cycles, cycle)
),
krs AS (
    SELECT k.kr_id, k.team, o.value_stream, m.cycle, c.start_date, c.end_date, m.week, m.moment,
           k.start_value, k.target, health_kr(k.type, review) AS health
    FROM moments AS m
    JOIN objectives AS o USING (cycle)
    JOIN key_results AS k USING (objective_id)
    JOIN cycles AS c USING (cycle)
)
SELECT k.kr_id, k.team, k.value_stream, k.cycle, k.start_date, k.week, k.health,
       CASE WHEN NOT k.health THEN kr_progress(coalesce(ch.value, k.start_value), k.start_value, k.target)
       END AS progress,
       CASE WHEN NOT k.health THEN clamp01(kr_progress(coalesce(ch.value, k.start_value), k.start_value, k.target))
       END AS progress_clamped,
       CASE WHEN NOT k.health THEN cycle_elapsed(k.start_date, k.end_date, k.moment) END AS expected
FROM krs AS k
ASOF LEFT JOIN checkins AS ch ON ch.kr_id = k.kr_id AND ch.week <= k.moment;

-- champion_krs(as_of, cycles, review) returns, for the key results of the listed cycles that contain
-- as_of, who champions their team (null: none named, or a team not in the Teams tab) and whether
-- the KR misses its check-in for the last full week (the week whose Monday is 7 days before the
-- Monday of as_of's week; only KRs whose cycle touches that week), with its measures.
CREATE OR REPLACE MACRO champion_krs(as_of, cycles, review) AS TABLE
WITH last_week AS (SELECT last_full_week(as_of) AS monday)
SELECT t.champion, kr.*, l.monday AS last_full_week,
       -- the cycle contains as_of, so it ends after last week: only its start can miss that week
       kr.start_date <= l.monday + 6
           AND NOT EXISTS (SELECT 1 FROM checkins AS ch WHERE ch.kr_id = kr.kr_id AND ch.week = l.monday)
           AS missing
FROM kr_measures(as_of, cycles, review) AS kr
CROSS JOIN last_week AS l
LEFT JOIN teams AS t USING (team)
WHERE kr.in_cycle;

-- value_changes: every check-in value a sync saw appear, change or disappear, from the history of
-- every sync (store/history.py); a table macro the rewritten and late queries read. Takes no parameters.
-- One row per (kr_id, week, sync): before (null when the value appeared) and after (null when cleared),
-- the sync that saw it and when. Left out: the first sync the history holds (nothing earlier to compare
-- with), a KR that the sync before did not have or this sync no longer has (a row added or removed is
-- not a value rewritten), and a row that only moved in the sheet (same value).
CREATE OR REPLACE MACRO value_changes() AS TABLE
WITH since AS (SELECT CAST(value AS INTEGER) AS first_sync FROM okra_meta WHERE key = 'history_from'),
changed AS (
    SELECT a.kr_id, a.week, b.value AS before, a.value AS after, a.seen_from AS sync_id
    FROM checkins_history AS a
    LEFT JOIN checkins_history AS b ON b.kr_id = a.kr_id AND b.week = a.week AND b.gone_at = a.seen_from
    WHERE b.value IS DISTINCT FROM a.value
    UNION ALL
    SELECT b.kr_id, b.week, b.value, NULL, b.gone_at
    FROM checkins_history AS b
    WHERE b.gone_at IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM checkins_history AS a WHERE a.kr_id = b.kr_id AND a.week = b.week AND a.seen_from = b.gone_at)
)
SELECT ch.kr_id, ch.week, ch.before, ch.after, ch.sync_id, s.synced_at AS seen_at
FROM changed AS ch
JOIN sync_log AS s USING (sync_id)
WHERE ch.sync_id > (SELECT first_sync FROM since)
  AND EXISTS (SELECT 1 FROM key_results_history AS k WHERE k.kr_id = ch.kr_id
              AND k.seen_from <= ch.sync_id - 1 AND (k.gone_at IS NULL OR k.gone_at > ch.sync_id - 1))
  AND EXISTS (SELECT 1 FROM key_results_history AS k WHERE k.kr_id = ch.kr_id
              AND k.seen_from <= ch.sync_id AND (k.gone_at IS NULL OR k.gone_at > ch.sync_id));
