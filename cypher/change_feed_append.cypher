// Appends one entry to the change feed inside a write transaction, which holds the write lock
// (write_lock.cypher), so sequence numbers follow the order of commits without gaps. The
// entry holds the new state of every node the write touched as JSON (`null` for a write too
// large to record, after which other instances reload). The feed's epoch is new whenever the
// feed is created, so an instance notices a database that was emptied under it.
MERGE (feed:__ChangeFeed {name: 'graph'})
  ON CREATE SET feed.seq = 0, feed.epoch = randomUUID()
SET feed.seq = feed.seq + 1
CREATE (:__Change {seq: feed.seq, at: timestamp(), states: $states})
RETURN feed.seq AS seq, feed.epoch AS epoch
