// Inputs of topic rarity: the number of projects, and for each topic asked for its name and
// the number of projects about it.
MATCH (p:Project)
WITH count(p) AS projects
OPTIONAL MATCH (t:Topic)
WHERE t.id IN $topics
WITH projects, collect(t) AS topics
RETURN projects,
       [t IN topics | {id: t.id, name: t.name, about: COUNT { (t)<-[:ABOUT]-(:Project) }}] AS topics
