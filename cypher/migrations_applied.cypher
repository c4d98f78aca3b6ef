// The migrations recorded as applied.
MATCH (m:__Migration)
RETURN m.version AS version, m.description AS description, m.checksum AS checksum
ORDER BY version
