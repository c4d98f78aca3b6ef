// One record per caller and idempotency key (`id` joins the two), written in the transaction
// of the write it belongs to; the constraint makes two concurrent first tries of one request
// collide instead of both writing.
CREATE CONSTRAINT idempotency_key_id IF NOT EXISTS FOR (k:IdempotencyKey) REQUIRE k.id IS UNIQUE;
// Expired keys are found by their time.
CREATE INDEX idempotency_key_at IF NOT EXISTS FOR (k:IdempotencyKey) ON (k.at);
