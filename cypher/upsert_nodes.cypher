// Creates or replaces nodes: every scalar property is set anew, the kind becomes a label.
UNWIND $nodes AS node
MERGE (n:Node {id: node.id})
SET n = node.properties
SET n:$(node.label)
