// Taken first by every write transaction and held until it ends: writes apply one at a time,
// also across several service instances on one database.
MERGE (lock:__WriteLock {name: 'graph'})
SET lock.taken = timestamp()
