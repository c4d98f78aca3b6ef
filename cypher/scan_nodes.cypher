// One batch of the whole network in id order, for loading the matching projection: the same
// columns as read_nodes.
MATCH (n:Node)
WHERE $after IS NULL OR n.id > $after
WITH n
ORDER BY n.id
LIMIT $batch
RETURN labels(n) AS labels,
       properties(n) AS properties,
       [(n)-[r]->(t:Node) WHERE type(r) <> 'WORKS_ON' | {rel: type(r), target: t.id, idx: r.idx}] AS edges,
       [(n)<-[r:WORKS_ON]-(l:Lotse) | {lotse: l.id, idx: r.idx, role: r.role}] AS members
