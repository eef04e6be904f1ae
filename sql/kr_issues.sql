-- kr_issues: the data issues on the Key results rows of the key results of $cycles (a team that is
-- not in the Teams tab, a Type that was not understood...), to show next to each key result.
-- Columns: kr_id, column, value, problem, kind. Parameters: $cycles.
SELECT k.kr_id, i."column", i.value, i.problem, i.kind
FROM issues AS i
JOIN key_results AS k ON i.tab = 'Key results' AND i."row" = k."row"
JOIN objectives AS o USING (objective_id)
WHERE list_contains($cycles, o.cycle)
ORDER BY k.kr_id, i.col;
