// How other Lotsen are reached from one, one row per way with the Lotsen reached through it:
// a project of someone else sharing a topic with one of theirs (with its topic ids in list
// order; titles are read later for the few projects shown), an accepted
// contact (reaching that contact's contacts), or a collaborator who shares a project with
// them (reaching that collaborator's other collaborators). Each walk starts at the Lotse:
// pattern comprehensions expand from bound nodes, so no step scans a whole label or index.
MATCH (me:Lotse {id: $lotse})
USING INDEX SEEK me:Lotse(id)
MATCH (me)-[:WORKS_ON]->(:Project)-[:ABOUT]->(:Topic)<-[:ABOUT]-(theirs:Project)
WHERE NOT (me)-[:WORKS_ON]->(theirs)
WITH DISTINCT me, theirs
RETURN 'project' AS via, theirs.id AS through, null AS name,
       COLLECT { MATCH (theirs)-[a:ABOUT]->(t:Topic) RETURN t.id ORDER BY a.idx } AS topics,
       [(theirs)<-[:WORKS_ON]-(peer:Lotse) WHERE peer <> me | peer.id] AS peers
UNION ALL
MATCH (me:Lotse {id: $lotse})
USING INDEX SEEK me:Lotse(id)
WITH DISTINCT [(me)<-[:REQUEST_FROM|REQUEST_TO]-(r:ConnectionRequest)-[:REQUEST_FROM|REQUEST_TO]->(c:Lotse)
               WHERE r.status = 'ACCEPTED' | c] AS contacts
UNWIND contacts AS contact
WITH DISTINCT contact
RETURN 'contact' AS via, contact.id AS through, contact.name AS name, [] AS topics,
       [(contact)<-[:REQUEST_FROM|REQUEST_TO]-(r:ConnectionRequest)-[:REQUEST_FROM|REQUEST_TO]->(peer:Lotse)
         WHERE r.status = 'ACCEPTED' | peer.id] AS peers
UNION ALL
MATCH (me:Lotse {id: $lotse})
USING INDEX SEEK me:Lotse(id)
MATCH (me)-[:WORKS_ON]->(:Project)<-[:WORKS_ON]-(collaborator:Lotse)
WHERE collaborator <> me
WITH DISTINCT collaborator
RETURN 'collaborator' AS via, collaborator.id AS through, collaborator.name AS name, [] AS topics,
       [(collaborator)-[:WORKS_ON]->(:Project)<-[:WORKS_ON]-(peer:Lotse) WHERE peer <> collaborator | peer.id]
         AS peers
