-- issues: every data issue of the last sync in sheet order, with the fix its kind calls for.
-- Parameters: $fix_kinds, $fix_texts (okra_dash/validate/advice.py, bound by Review) and $default_fix.
SELECT i.tab, i."row", i."column", i.value, i.problem, i.kind,
       coalesce(list_extract($fix_texts, list_position($fix_kinds, i.kind)), $default_fix) AS fix,
       i.col, s.gid
FROM issues AS i
LEFT JOIN source_tabs AS s ON s.tab = i.tab
ORDER BY list_position(['Cycles', 'Teams', 'Objectives', 'Key results', 'Check-ins', 'Check-in notes', 'Actions'], i.tab),
         i."row", i.col;
