// Drops keys older than the retention, a bounded number per write.
MATCH (k:IdempotencyKey)
WHERE k.at < $cutoff
WITH k LIMIT 1000
DELETE k
