// Filters of the list queries and the candidate traversals.
CREATE INDEX project_status IF NOT EXISTS FOR (n:Project) ON (n.status);
CREATE INDEX lotse_visibility IF NOT EXISTS FOR (n:Lotse) ON (n.visibility);
CREATE INDEX connection_request_status IF NOT EXISTS FOR (n:ConnectionRequest) ON (n.status);
CREATE INDEX municipality_population IF NOT EXISTS FOR (n:Municipality) ON (n.population);
// `nameContains`: the lower-cased name or title, matched with CONTAINS.
CREATE TEXT INDEX node_search IF NOT EXISTS FOR (n:Node) ON (n._search);
