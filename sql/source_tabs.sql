-- source_tabs: the contract's tabs as the source names them, with Google Sheets tab ids
-- (gid) for links to cells; takes no parameters.
SELECT tab, title, gid FROM source_tabs ORDER BY tab;
