// Projects of other municipalities sharing a topic with one project, with their topics and
// municipalities.
MATCH (origin:Project {id: $project})
OPTIONAL MATCH (origin)-[:OWNED_BY]->(home:Municipality)
CALL (origin, home) {
  MATCH (origin)-[:ABOUT]->(:Topic)<-[:ABOUT]-(other:Project)-[:OWNED_BY]->(place:Municipality)
  WHERE place <> home
  WITH DISTINCT other, place
  RETURN collect({
    id: other.id, title: other.title, status: other.status,
    municipality: place.id, municipality_name: place.name, population: place.population,
    lat: place.lat, lon: place.lon,
    topics: [(other)-[a:ABOUT]->(t:Topic) | {id: t.id, idx: a.idx}]
  }) AS candidates
}
RETURN home.id AS municipality,
       home.population AS population,
       home.lat AS lat,
       home.lon AS lon,
       [(origin)-[a:ABOUT]->(t:Topic) | {id: t.id, idx: a.idx}] AS topics,
       candidates
