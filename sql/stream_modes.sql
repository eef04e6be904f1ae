-- stream_modes: per value stream of $cycles, which teams of each mode contribute key results.
-- Columns: value_stream, mode, teams (list), key_results. Parameters: $cycles.
SELECT o.value_stream, coalesce(t.mode, 'Unknown') AS mode,
       list(DISTINCT k.team ORDER BY k.team) AS teams, count(*) AS key_results
FROM key_results AS k
JOIN objectives AS o USING (objective_id)
LEFT JOIN teams AS t USING (team)
WHERE list_contains($cycles, o.cycle)
GROUP BY o.value_stream, coalesce(t.mode, 'Unknown')
ORDER BY o.value_stream, mode;
