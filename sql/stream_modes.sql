-- stream_modes: per value stream of $cycles, which teams of each mode contribute key results.
-- Columns: value_stream, mode, teams (list), key_results. Parameters: $cycles, $review (its modes).
SELECT o.value_stream, coalesce(t.mode, $review['modes'][-1]) AS mode,
       list(DISTINCT k.team ORDER BY k.team) AS teams, count(*) AS key_results
FROM key_results AS k
JOIN objectives AS o USING (objective_id)
LEFT JOIN teams AS t USING (team)
WHERE list_contains($cycles, o.cycle)
GROUP BY ALL
ORDER BY o.value_stream, mode;
