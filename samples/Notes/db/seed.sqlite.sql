-- The notes schema and starter rows (SQLite). Grove builds the template database from this file;
-- the app also runs it itself when it finds an empty database.
CREATE TABLE notes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    text       TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
INSERT INTO notes (text) VALUES ('Welcome: every worktree has its own copy of these notes.');
INSERT INTO notes (text) VALUES ('Add a note here; the other worktrees will not see it.');
