// Removes feed entries older than the retention (a bounded number per write, so that pruning
// never makes one write slow). An instance that fell further behind reloads its projection.
MATCH (c:__Change)
WHERE c.at < timestamp() - $retention_ms
WITH c
LIMIT 1000
DELETE c
