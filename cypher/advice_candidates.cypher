// Municipalities in the districts and regions (at any depth) an expert serves whose projects
// touch the expert's topics: one entry per project and topic, with the municipality's Lotsen
// count and their competences.
MATCH (expert:Expert {id: $expert})
CALL (expert) {
  MATCH (expert)-[:SERVES]->(area:Node)
  MATCH (m:Municipality)-[:IN_DISTRICT]->(:District)-[:IN_REGION*0..]->(area)
  WITH DISTINCT expert, m
  MATCH (m)<-[:OWNED_BY]-(p:Project)-[a:ABOUT]->(t:Topic)
  WHERE EXISTS { (expert)-[:EXPERT_IN]->(t) }
  WITH m, collect({topic: t.id, topic_name: t.name, project: p.id, title: p.title, idx: a.idx}) AS needs
  RETURN collect({
    id: m.id, name: m.name, population: m.population,
    lotsen: COUNT { (m)<-[:WORKS_FOR]-(:Lotse) },
    competences: [(m)<-[:WORKS_FOR]-(:Lotse)-[:KNOWS_ABOUT]->(k:Topic) | k.id],
    needs: needs
  }) AS candidates
}
RETURN candidates
