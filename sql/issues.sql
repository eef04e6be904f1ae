-- issues: every data issue of the last sync in sheet order; takes no parameters.
SELECT i.tab, i."row", i."column", i.value, i.problem, i.kind, i.col, s.gid
FROM issues AS i
LEFT JOIN source_tabs AS s ON s.tab = i.tab
ORDER BY list_position(['Cycles', 'Teams', 'Objectives', 'Key results', 'Check-ins', 'Actions'], i.tab),
         i."row", i.col;
