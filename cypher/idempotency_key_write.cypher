// Records that write number $writes of the request under this key is applied (in the same
// transaction as that write); the answer is stored later, by idempotency_key_result.cypher.
MERGE (k:IdempotencyKey {id: $id})
SET k.caller = $caller, k.key = $key, k.fingerprint = $fingerprint, k.writes = $writes, k.at = $at
REMOVE k.result
