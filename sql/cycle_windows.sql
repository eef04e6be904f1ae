-- cycle_windows: the reviewed cycles ($cycles) with their dates and elapsed share on $as_of (the expected
-- pace), oldest first. Columns: cycle, start_date, end_date, elapsed.
SELECT cycle, start_date, end_date, elapsed
FROM (
    SELECT cycle, start_date, end_date, cycle_elapsed(start_date, end_date, $as_of) AS elapsed
    FROM cycles
    WHERE cycle IN (SELECT cycle FROM objectives)
)
WHERE list_contains($cycles, cycle)
ORDER BY start_date, cycle;
