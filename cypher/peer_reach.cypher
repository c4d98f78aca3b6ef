// How other Lotsen are reached from one: through a project sharing a topic with one of
// theirs (one row per membership, with both projects), through an accepted contact of both,
// or through a collaborator who shares a project with both.
MATCH (me:Lotse {id: $lotse})-[:WORKS_ON]->(mine:Project)-[:ABOUT]->(:Topic)<-[:ABOUT]-(theirs:Project)
WHERE NOT (me)-[:WORKS_ON]->(theirs)
WITH DISTINCT me, mine, theirs
MATCH (theirs)<-[:WORKS_ON]-(peer:Lotse)
WHERE peer <> me
RETURN peer.id AS peer, 'project' AS via, mine.id AS through, theirs.title AS name, theirs.id AS theirs,
       [(theirs)-[a:ABOUT]->(t:Topic) | {id: t.id, idx: a.idx}] AS topics
UNION ALL
MATCH (me:Lotse {id: $lotse})<-[:REQUEST_FROM|REQUEST_TO]-(:ConnectionRequest {status: 'ACCEPTED'})
      -[:REQUEST_FROM|REQUEST_TO]->(contact:Lotse)
WITH DISTINCT contact
MATCH (contact)<-[:REQUEST_FROM|REQUEST_TO]-(:ConnectionRequest {status: 'ACCEPTED'})
      -[:REQUEST_FROM|REQUEST_TO]->(peer:Lotse)
WITH DISTINCT contact, peer
RETURN peer.id AS peer, 'contact' AS via, contact.id AS through, contact.name AS name, null AS theirs, [] AS topics
UNION ALL
MATCH (me:Lotse {id: $lotse})-[:WORKS_ON]->(:Project)<-[:WORKS_ON]-(collaborator:Lotse)
WHERE collaborator <> me
WITH DISTINCT collaborator
MATCH (collaborator)-[:WORKS_ON]->(:Project)<-[:WORKS_ON]-(peer:Lotse)
WHERE peer <> collaborator
WITH DISTINCT collaborator, peer
RETURN peer.id AS peer, 'collaborator' AS via, collaborator.id AS through, collaborator.name AS name,
       null AS theirs, [] AS topics
