// Nodes by id: labels, scalar properties, and the edges each owns. Ordered lists carry the
// position in `idx`; project members are the WORKS_ON edges pointing at the project.
UNWIND $ids AS id
MATCH (n:Node {id: id})
USING INDEX SEEK n:Node(id)
RETURN labels(n) AS labels,
       properties(n) AS properties,
       [(n)-[r]->(t:Node) WHERE type(r) <> 'WORKS_ON' | {rel: type(r), target: t.id, idx: r.idx}] AS edges,
       [(n)<-[r:WORKS_ON]-(l:Lotse) | {lotse: l.id, idx: r.idx, role: r.role}] AS members
