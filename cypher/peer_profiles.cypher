// The reachable Lotsen who may be recommended: visible to the network, in another
// municipality that passes the area and population filters; with their topic profile
// (topics of their projects and their competences) and the titles of their projects.
UNWIND $ids AS id
MATCH (peer:Lotse {id: id})-[:WORKS_FOR]->(place:Municipality)
USING INDEX SEEK peer:Lotse(id)
WHERE peer.visibility = 'NETWORK'
  AND place.id <> $home
  AND ($within IS NULL
       OR EXISTS { (place)-[:IN_DISTRICT]->(:District)-[:IN_REGION*0..]->(:Node {id: $within}) })
  AND (($population_min IS NULL AND $population_max IS NULL)
       OR (place.population IS NOT NULL
           AND ($population_min IS NULL OR place.population >= $population_min)
           AND ($population_max IS NULL OR place.population <= $population_max)))
RETURN peer.id AS id,
       peer.name AS name,
       place.id AS municipality,
       place.name AS municipality_name,
       place.population AS population,
       place.lat AS lat,
       place.lon AS lon,
       [(peer)-[:WORKS_ON]->(:Project)-[:ABOUT]->(t:Topic) | t.id] + [(peer)-[:KNOWS_ABOUT]->(t:Topic) | t.id]
         AS topics,
       [(peer)-[:WORKS_ON]->(p:Project) | {id: p.id, title: p.title}] AS projects
