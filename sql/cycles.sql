-- cycles: every cycle that has objectives, newest first, with its elapsed share on $as_of and
-- whether it is closed by then. Columns: cycle, start_date, end_date, elapsed, is_closed.
SELECT cycle, start_date, end_date, cycle_elapsed(start_date, end_date, $as_of) AS elapsed,
       cycle_closed(end_date, $as_of) AS is_closed
FROM cycles
WHERE cycle IN (SELECT cycle FROM objectives)
ORDER BY start_date DESC, cycle;
