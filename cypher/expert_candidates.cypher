// Experts in any topic a project (or all projects of a municipality) is about, and whether
// they serve the district of its municipality or a region that district lies in.
MATCH (target:Node {id: $target})
WHERE (target:Project AND $kind = 'project') OR (target:Municipality AND $kind = 'municipality')
OPTIONAL MATCH (target)-[:OWNED_BY]->(owner:Municipality)
WITH target, coalesce(owner, target) AS place
WITH target,
     CASE WHEN target:Project THEN [(target)-[:ABOUT]->(t:Topic) | t.id]
          ELSE [(target)<-[:OWNED_BY]-(:Project)-[:ABOUT]->(t:Topic) | t.id] END AS needed,
     [(place)-[:IN_DISTRICT]->(:District)-[:IN_REGION*0..]->(a:Node) | a.id] AS area
CALL (needed, area) {
  MATCH (e:Expert)-[:EXPERT_IN]->(t:Topic)
  WHERE t.id IN needed
  WITH DISTINCT e, area
  OPTIONAL MATCH (e)-[:MEMBER_OF]->(o:Organization)
  RETURN collect({
    id: e.id, name: e.name, organization: o.id, organization_name: o.name,
    topics: [(e)-[:EXPERT_IN]->(x:Topic) | x.id],
    serves_target: EXISTS { MATCH (e)-[:SERVES]->(s:Node) WHERE s.id IN area }
  }) AS experts
}
RETURN needed, experts
