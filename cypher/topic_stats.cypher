// Inputs of topic rarity: the number of projects, and for every topic (a small taxonomy) its
// name and the number of projects about it. Only projects are ABOUT a topic, so the degree
// counts them without visiting each.
CALL () {
  MATCH (p:Project)
  RETURN count(p) AS projects
}
OPTIONAL MATCH (t:Topic)
WITH projects, collect(t) AS topics
RETURN projects,
       [t IN topics | {id: t.id, name: t.name, about: COUNT { (t)<-[:ABOUT]-() }}] AS topics
