-- Learning from walks (docs/learning.md): daily counts only, never a report itself. Per day
-- (Jakarta), guide, content version, language and embedding (web, embed, app), `kind` says what
-- is counted: `visit` (walks that reached `node`), `edge` (walks that took the answer `detail`
-- at `node`), `end` (walks that ended at `node`, `detail` saying how: resolved, escalated,
-- delivered, left), `page` (step pages of `node` the server drew). Nothing names a participant,
-- a device, an address or a time finer than the day.
CREATE TABLE walk_counts (
    day       TEXT NOT NULL,
    guide     TEXT NOT NULL,
    version   TEXT NOT NULL,
    kind      TEXT NOT NULL,
    node      TEXT NOT NULL,
    detail    TEXT NOT NULL,
    lang      TEXT NOT NULL,
    embedding TEXT NOT NULL,
    count     BIGINT NOT NULL,
    PRIMARY KEY (day, guide, version, kind, node, detail, lang, embedding)
);

-- The random nonce of each report of the last 8 days, so that a report sent twice (a device
-- that lost the answer) counts once.
CREATE TABLE walk_nonces (
    nonce TEXT PRIMARY KEY,
    day   TEXT NOT NULL
);
CREATE INDEX walk_nonces_day ON walk_nonces (day);
