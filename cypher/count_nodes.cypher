// How many nodes the network has, for the progress of loading the projection.
MATCH (n:Node)
RETURN count(n) AS count
