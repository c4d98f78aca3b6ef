// Removes the change feed with the network (wipe): instances see a new epoch and reload.
MATCH (n)
WHERE n:__ChangeFeed OR n:__Change
DETACH DELETE n
