// The answer of the request under this key, kept for its retries.
MATCH (k:IdempotencyKey {id: $id})
SET k.result = $result
