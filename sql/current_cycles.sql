-- current_cycles: the cycles a review as of $as_of is about: those containing the date,
-- else the one that started last before it, else the earliest. Columns: cycle, start_date, end_date.
WITH ranked AS (
    SELECT *,
           CAST($as_of AS DATE) BETWEEN start_date AND end_date AS contains_date,
           start_date <= CAST($as_of AS DATE) AS started
    FROM cycles
    WHERE cycle IN (SELECT cycle FROM objectives)
)
SELECT cycle, start_date, end_date FROM ranked
WHERE contains_date
   OR (NOT EXISTS (SELECT 1 FROM ranked WHERE contains_date)
       AND start_date = (SELECT coalesce(max(start_date) FILTER (WHERE started), min(start_date)) FROM ranked))
ORDER BY start_date, cycle;
