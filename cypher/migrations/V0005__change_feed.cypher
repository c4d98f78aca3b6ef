// The change feed: entries found by sequence number and pruned by age.
CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:__Change) REQUIRE c.seq IS UNIQUE;
CREATE INDEX change_at IF NOT EXISTS FOR (c:__Change) ON (c.at);
