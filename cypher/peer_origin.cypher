// The Lotse asking for peers: home municipality, projects with their topics, competences and
// accepted contacts.
MATCH (me:Lotse {id: $lotse})
USING INDEX SEEK me:Lotse(id)
OPTIONAL MATCH (me)-[:WORKS_FOR]->(home:Municipality)
RETURN home.id AS home,
       home.population AS population,
       home.lat AS lat,
       home.lon AS lon,
       [(me)-[:KNOWS_ABOUT]->(t:Topic) | t.id] AS competences,
       [(me)-[:WORKS_ON]->(p:Project) |
         {id: p.id, title: p.title, topics: [(p)-[a:ABOUT]->(t:Topic) | {id: t.id, idx: a.idx}]}] AS projects,
       [(me)<-[:REQUEST_FROM|REQUEST_TO]-(:ConnectionRequest {status: 'ACCEPTED'})-[:REQUEST_FROM|REQUEST_TO]->(c:Lotse)
         | c.id] AS contacts
