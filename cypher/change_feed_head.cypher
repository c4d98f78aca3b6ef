// The newest sequence number of the change feed and its epoch; no row before the first write.
MATCH (feed:__ChangeFeed {name: 'graph'})
RETURN feed.seq AS seq, feed.epoch AS epoch
