-- cycles: every cycle that has objectives, newest first, with whether it contains $as_of
-- and whether it is closed by then. Columns: cycle, start_date, end_date, elapsed, is_current, is_closed.
SELECT cycle, start_date, end_date, cycle_elapsed(start_date, end_date, $as_of) AS elapsed,
       CAST($as_of AS DATE) BETWEEN start_date AND end_date AS is_current,
       end_date < CAST($as_of AS DATE) AS is_closed
FROM cycles
WHERE cycle IN (SELECT cycle FROM objectives)
ORDER BY start_date DESC, cycle;
