// Free-text search over projects and Lotsen (titles, names, descriptions, positions), for
// integrations that query with db.index.fulltext.queryNodes('project_lotse_search', $terms).
CREATE FULLTEXT INDEX project_lotse_search IF NOT EXISTS
FOR (n:Project|Lotse) ON EACH [n.title, n.description, n.name, n.position];
