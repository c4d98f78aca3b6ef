// Removes up to $batch nodes of the network with their relationships; run until it removes
// none. Migration records and the write lock are not network nodes and stay.
MATCH (n:Node)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
