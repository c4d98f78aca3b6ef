// Removes the edges nodes own (before they are written again): their outgoing relationships,
// except WORKS_ON, which belongs to the project it points at.
UNWIND $ids AS id
MATCH (n:Node {id: id})-[r]-()
USING INDEX SEEK n:Node(id)
WHERE (startNode(r) = n AND type(r) <> 'WORKS_ON') OR (endNode(r) = n AND type(r) = 'WORKS_ON')
DELETE r
