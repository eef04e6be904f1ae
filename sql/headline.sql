-- headline: the weekly review's headline figures for $as_of ("now") and seven days earlier
-- ("last week"), over $cycles: KRs per status, value streams behind pace, stalled KRs, and
-- the share of KRs checked in for the last full week before the date (last_full_week: its Monday), of those
-- whose cycle touches that week.
-- Parameters: $as_of, $cycles, and $review (the thresholds and words in force; its statuses are
-- on track, at risk, off track in that order).
WITH dates AS (
    SELECT 'now' AS moment, CAST($as_of AS DATE) AS day
    UNION ALL SELECT 'last week', week_before($as_of)
),
kr AS (  -- kr_measures at $as_of and seven days earlier
    SELECT 'now' AS moment, * FROM kr_measures($as_of, $cycles, $review)
    UNION ALL BY NAME
    SELECT 'last week' AS moment, * FROM kr_measures(week_before($as_of), $cycles, $review)
),
streams AS (  -- the statuses value_streams.sql gives, over the KR rows already measured here
    SELECT moment, value_stream, cycle,
           stream_status(progress_clamped, expected, health, status, $review) AS status
    FROM kr GROUP BY moment, value_stream, cycle
),
checked AS (  -- each moment's last full week: two complete weeks compared, so a Monday is no false alarm
    SELECT kr.moment, count(DISTINCT ch.kr_id) FILTER (WHERE ch.kr_id IS NOT NULL) AS n,
           count(*) FILTER (WHERE kr.start_date <= last_full_week(kr.as_of_date) + 6
                              AND kr.end_date >= last_full_week(kr.as_of_date)) AS due
    FROM kr LEFT JOIN checkins AS ch
      ON ch.kr_id = kr.kr_id AND ch.week = last_full_week(kr.as_of_date)
    GROUP BY kr.moment
)
SELECT d.moment, d.day,
       count(kr.kr_id) FILTER (WHERE kr.status = $review['statuses'][1]) AS on_track,
       count(kr.kr_id) FILTER (WHERE kr.status = $review['statuses'][2]) AS at_risk,
       count(kr.kr_id) FILTER (WHERE kr.status = $review['statuses'][3]) AS off_track,
       count(kr.kr_id) AS key_results,
       (SELECT count(*) FROM streams AS s WHERE s.moment = d.moment AND stream_behind(s.status, $review))
           AS streams_behind,
       (SELECT count(*) FROM streams AS s WHERE s.moment = d.moment) AS streams,
       count(kr.kr_id) FILTER (WHERE len(kr.stalled) > 0) AS stalled,
       last_full_week(d.day) AS last_full_week,
       coalesce(max(c.n), 0) / nullif(max(c.due), 0) AS checked_in_last_week
FROM dates AS d
LEFT JOIN kr ON kr.moment = d.moment
LEFT JOIN checked AS c ON c.moment = d.moment
GROUP BY d.moment, d.day
ORDER BY d.day DESC;
