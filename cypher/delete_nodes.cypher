// Removes nodes with all their relationships.
UNWIND $ids AS id
MATCH (n:Node {id: id})
USING INDEX n:Node(id)
DETACH DELETE n
