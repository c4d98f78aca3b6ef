// Removes up to $batch relationships of network nodes; run until it removes none, before
// wipe.cypher, so that no transaction holds a node together with all its relationships.
MATCH (:Node)-[r]->()
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
