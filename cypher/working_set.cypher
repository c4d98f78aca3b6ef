// Ids of the stored nodes a batch of changes may read while its rules are checked: the nodes
// it names, everything depending on a node it deletes, the parent chains of regions and
// topics, the connection requests of the Lotsen sending one, and the holders of its AGS.
CALL {
  UNWIND $ids AS id
  MATCH (n:Node {id: id})
  RETURN n
  UNION
  UNWIND $deleted AS id
  MATCH (:Node {id: id})<-[r]-(n:Node)
  WHERE type(r) <> 'WORKS_ON'
  RETURN n
  UNION
  UNWIND $deleted AS id
  MATCH (:Lotse {id: id})-[:WORKS_ON]->(n:Project)
  RETURN n
  UNION
  UNWIND $ids AS id
  MATCH (:Node {id: id})-[:IN_REGION|BROADER*1..]->(n:Node)
  RETURN n
  UNION
  UNWIND $requesters AS id
  MATCH (:Lotse {id: id})<-[:REQUEST_FROM|REQUEST_TO]-(n:ConnectionRequest)
  RETURN n
  UNION
  MATCH (n:Municipality)
  WHERE n.ags IN $ags
  RETURN n
}
RETURN n.id AS id
