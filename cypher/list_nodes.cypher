// One page of a list: ids of nodes of a kind that pass every filter given, in id order.
MATCH (n:$($label))
WHERE ($after IS NULL OR n.id > $after)
  AND ($text IS NULL OR n._search CONTAINS $text)
  AND ($status IS NULL OR (n:Project AND n.status = $status))
  AND ($changed_since IS NULL OR n.updated_at >= $changed_since)
  AND all(edge IN $edges WHERE
        (NOT edge.reversed AND EXISTS { MATCH (n)-[r]->(:Node {id: edge.target}) WHERE type(r) = edge.type })
     OR (edge.reversed AND EXISTS { MATCH (n)<-[r]-(:Node {id: edge.target}) WHERE type(r) = edge.type }))
WITH n, CASE WHEN n:Municipality THEN n ELSE head([(n)-[:WORKS_FOR|OWNED_BY]->(m:Municipality) | m]) END AS place
WHERE (($population_min IS NULL AND $population_max IS NULL)
       OR (place IS NOT NULL AND place.population IS NOT NULL
           AND ($population_min IS NULL OR place.population >= $population_min)
           AND ($population_max IS NULL OR place.population <= $population_max)))
  AND ($within IS NULL
       OR ((n:District OR n:Region) AND EXISTS { (n)-[:IN_REGION*0..]->(:Node {id: $within}) })
       OR (n:Expert AND EXISTS { (n)-[:SERVES]->(:Node {id: $within}) })
       OR (NOT (n:District OR n:Region OR n:Expert) AND place IS NOT NULL
           AND EXISTS { (place)-[:IN_DISTRICT]->(:District)-[:IN_REGION*0..]->(:Node {id: $within}) }))
RETURN n.id AS id
ORDER BY id
LIMIT $limit
