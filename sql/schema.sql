-- schema: the tables of one synced workbook, plus the history kept across syncs.
-- Run once on each new database file; takes no parameters.
-- okra_meta marks the file as okra-dash's and holds its schema version (store.SCHEMA_VERSION).
CREATE TABLE okra_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE teams (team VARCHAR PRIMARY KEY, mode VARCHAR NOT NULL, champion VARCHAR, "row" INTEGER);
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
-- Kept across syncs: one row per sync, and each KR's Start/Target whenever they change.
-- A failed sync has status 'failed', its sentence in error, and no sync_id.
CREATE TABLE sync_log (
    sync_id INTEGER, synced_at TIMESTAMP, source VARCHAR, kind VARCHAR, sheet_url VARCHAR,
    rows_per_tab VARCHAR, issues INTEGER, duration_s DOUBLE, status VARCHAR DEFAULT 'ok', error VARCHAR);
CREATE TABLE kr_history (sync_id INTEGER, synced_at TIMESTAMP, kr_id VARCHAR, start_value DOUBLE, target DOUBLE);
