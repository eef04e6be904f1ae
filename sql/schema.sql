-- schema: the tables of one synced workbook, plus the history kept across syncs.
-- Run once on each new database file; takes no parameters.
-- okra_meta marks the file as okra-dash's and holds its schema version (store.SCHEMA_VERSION).
CREATE TABLE okra_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE teams (team VARCHAR PRIMARY KEY, mode VARCHAR NOT NULL, champion VARCHAR, "row" INTEGER,
                    champion_email VARCHAR);
CREATE TABLE cycles (cycle VARCHAR PRIMARY KEY, start_date DATE NOT NULL, end_date DATE NOT NULL);
CREATE TABLE objectives (
    objective_id VARCHAR PRIMARY KEY, cycle VARCHAR NOT NULL, value_stream VARCHAR NOT NULL,
    objective VARCHAR, theme VARCHAR, owner VARCHAR, "row" INTEGER);
CREATE TABLE key_results (
    kr_id VARCHAR PRIMARY KEY, objective_id VARCHAR NOT NULL, team VARCHAR, key_result VARCHAR,
    start_value DOUBLE NOT NULL, target DOUBLE NOT NULL, unit VARCHAR, type VARCHAR, "row" INTEGER);
CREATE TABLE checkins (
    kr_id VARCHAR NOT NULL, week DATE NOT NULL, value DOUBLE NOT NULL, confidence DOUBLE, note VARCHAR,
    "row" INTEGER, col INTEGER, "column" VARCHAR);
CREATE TABLE actions (kr_id VARCHAR NOT NULL, action VARCHAR, status VARCHAR, owner VARCHAR, due DATE, "row" INTEGER);
-- kind: the code of the problem (advice is keyed on it).
-- Confidence (0-10) and notes given for a key result and week, from the notes tab or the long layout.
CREATE TABLE notes (kr_id VARCHAR NOT NULL, week DATE NOT NULL, confidence DOUBLE, note VARCHAR, "row" INTEGER);
CREATE TABLE issues (tab VARCHAR, "row" INTEGER, "column" VARCHAR, value VARCHAR, problem VARCHAR, kind VARCHAR,
                     col INTEGER);
-- The source's tabs as named there, with Google Sheets tab ids for links to cells.
CREATE TABLE source_tabs (tab VARCHAR, title VARCHAR, gid BIGINT);
-- Kept across syncs: one row per sync. A failed sync has status 'failed', its sentence in error, and no sync_id.
CREATE TABLE sync_log (
    sync_id INTEGER, synced_at TIMESTAMP, source VARCHAR, kind VARCHAR, sheet_url VARCHAR,
    rows_per_tab VARCHAR, issues INTEGER, duration_s DOUBLE, status VARCHAR DEFAULT 'ok', error VARCHAR);
-- The history of every sync (okra_dash/store/history.py): each table's rows, each stored once, seen by
-- the syncs from seen_from up to (not including) gone_at, which is NULL while the sheet still has the row.
CREATE TABLE teams_history AS SELECT *, NULL::INTEGER AS seen_from, NULL::INTEGER AS gone_at FROM teams WHERE false;
CREATE TABLE cycles_history AS SELECT *, NULL::INTEGER AS seen_from, NULL::INTEGER AS gone_at FROM cycles WHERE false;
CREATE TABLE objectives_history AS
    SELECT *, NULL::INTEGER AS seen_from, NULL::INTEGER AS gone_at FROM objectives WHERE false;
CREATE TABLE key_results_history AS
    SELECT *, NULL::INTEGER AS seen_from, NULL::INTEGER AS gone_at FROM key_results WHERE false;
CREATE TABLE checkins_history AS
    SELECT *, NULL::INTEGER AS seen_from, NULL::INTEGER AS gone_at FROM checkins WHERE false;
CREATE TABLE actions_history AS SELECT *, NULL::INTEGER AS seen_from, NULL::INTEGER AS gone_at FROM actions WHERE false;
CREATE TABLE notes_history AS SELECT *, NULL::INTEGER AS seen_from, NULL::INTEGER AS gone_at FROM notes WHERE false;
CREATE TABLE issues_history AS SELECT *, NULL::INTEGER AS seen_from, NULL::INTEGER AS gone_at FROM issues WHERE false;
CREATE TABLE source_tabs_history AS
    SELECT *, NULL::INTEGER AS seen_from, NULL::INTEGER AS gone_at FROM source_tabs WHERE false;
