// Creates relationships between stored nodes; ordered lists keep their position in `idx`.
UNWIND $edges AS edge
MATCH (a:Node {id: edge.from})
USING INDEX SEEK a:Node(id)
MATCH (b:Node {id: edge.to})
USING INDEX SEEK b:Node(id)
CREATE (a)-[r:$(edge.type)]->(b)
SET r = edge.properties
