// Creates relationships between stored nodes; ordered lists keep their position in `idx`.
UNWIND $edges AS edge
MATCH (a:Node {id: edge.from})
MATCH (b:Node {id: edge.to})
CREATE (a)-[r:$(edge.type)]->(b)
SET r = edge.properties
