// Sources of one relationship type into each target, restricted to one kind of source.
// `reversed`: the relationship points from the target to the source (WORKS_ON of members).
UNWIND $targets AS target
MATCH (t:Node {id: target})-[r]-(source:$($label))
WHERE type(r) = $type AND (startNode(r) = source) <> $reversed
RETURN DISTINCT target, source.id AS source
