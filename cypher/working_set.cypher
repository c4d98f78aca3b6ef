// Ids of the stored nodes a batch of changes may read while its rules are checked: the nodes
// it names, everything depending on a node it deletes, the parent chains of regions and
// topics, the connection requests of the Lotsen sending one, and the holders of its AGS.
// Every lookup by id names its index: a plan cached while the database was nearly empty may
// otherwise scan the index once per id, which inside a write transaction took minutes.
CALL () {
  UNWIND $ids AS id
  MATCH (n:Node {id: id})
  USING INDEX n:Node(id)
  RETURN n
  UNION
  UNWIND $deleted AS id
  MATCH (gone:Node {id: id})<-[r]-(n:Node)
  USING INDEX gone:Node(id)
  WHERE type(r) <> 'WORKS_ON'
  RETURN n
  UNION
  UNWIND $deleted AS id
  MATCH (gone:Lotse {id: id})-[:WORKS_ON]->(n:Project)
  USING INDEX gone:Lotse(id)
  RETURN n
  UNION
  UNWIND $ids AS id
  MATCH (named:Node {id: id})-[:IN_REGION|BROADER*1..]->(n:Node)
  USING INDEX named:Node(id)
  RETURN n
  UNION
  UNWIND $requesters AS id
  MATCH (sender:Lotse {id: id})<-[:REQUEST_FROM|REQUEST_TO]-(n:ConnectionRequest)
  USING INDEX sender:Lotse(id)
  RETURN n
  UNION
  MATCH (n:Municipality)
  USING INDEX n:Municipality(ags)
  WHERE n.ags IN $ags
  RETURN n
}
RETURN n.id AS id
