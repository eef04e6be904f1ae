-- focus: value streams with more than $review['focus_max_objectives'] objectives in one of $cycles.
SELECT value_stream, cycle, count(*) AS objectives
FROM objectives
WHERE list_contains($cycles, cycle)
GROUP BY value_stream, cycle
HAVING count(*) > $review['focus_max_objectives']
ORDER BY objectives DESC, value_stream;
