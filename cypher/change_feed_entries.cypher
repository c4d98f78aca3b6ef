// Feed entries after a position, oldest first.
MATCH (c:__Change)
WHERE c.seq > $after AND c.seq <= $until
RETURN c.seq AS seq, c.states AS states
ORDER BY seq
LIMIT $limit
