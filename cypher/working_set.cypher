// Ids of the stored nodes a batch of changes may read while its rules are checked: the nodes
// it names, everything depending on a node it deletes, the parent chains of regions and
// topics, the connection requests of the Lotsen sending one, the invitations of the projects
// it invites to, the dismissals of the Lotsen dismissing someone, and the holders of its AGS.
// Every lookup by id seeks its index (`USING INDEX SEEK`): a plan made while the database
// was nearly empty, or just after a large write before the index statistics caught up, may
// otherwise scan the whole index once per id, which a plain `USING INDEX` allows and which
// inside a write transaction took minutes.
CALL () {
  UNWIND $ids AS id
  MATCH (n:Node {id: id})
  USING INDEX SEEK n:Node(id)
  RETURN n
  UNION
  UNWIND $deleted AS id
  MATCH (gone:Node {id: id})<-[r]-(n:Node)
  USING INDEX SEEK gone:Node(id)
  WHERE type(r) <> 'WORKS_ON'
  RETURN n
  UNION
  UNWIND $deleted AS id
  MATCH (gone:Lotse {id: id})-[:WORKS_ON]->(n:Project)
  USING INDEX SEEK gone:Lotse(id)
  RETURN n
  UNION
  UNWIND $ids AS id
  MATCH (named:Node {id: id})-[:IN_REGION|BROADER*1..]->(n:Node)
  USING INDEX SEEK named:Node(id)
  RETURN n
  UNION
  UNWIND $related AS id
  MATCH (holder:Node {id: id})<-[:REQUEST_FROM|REQUEST_TO|INVITED_TO|DISMISSED_BY]-(n:Node)
  USING INDEX SEEK holder:Node(id)
  RETURN n
  UNION
  MATCH (n:Municipality)
  USING INDEX SEEK n:Municipality(ags)
  WHERE n.ags IN $ags
  RETURN n
}
RETURN n.id AS id
