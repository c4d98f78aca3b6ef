// The record of one caller's idempotency key, expired or not.
MATCH (k:IdempotencyKey {id: $id})
RETURN k.fingerprint AS fingerprint, k.writes AS writes, k.result AS result, k.at AS at
