// Empties the network in the Neo4j named by LOTSENNETZ_NEO4J_URI / _USER / _PASSWORD with the
// service's own statements (cypher/wipe_relationships.cypher, cypher/wipe.cypher in batches,
// then cypher/change_feed_reset.cypher), so that a benchmark can reuse a running server:
//
//   node neo4j-wipe.mjs CYPHER_DIR
import { readFileSync } from "node:fs";
import { join } from "node:path";
import neo4j from "neo4j-driver";

const cypher = (name) => readFileSync(join(process.argv[2], name), "utf8");
const env = process.env;
const driver = neo4j.driver(
  env.LOTSENNETZ_NEO4J_URI,
  neo4j.auth.basic(env.LOTSENNETZ_NEO4J_USER, env.LOTSENNETZ_NEO4J_PASSWORD),
);
const session = driver.session({ database: env.LOTSENNETZ_NEO4J_DATABASE || undefined });
try {
  for (const file of ["wipe_relationships.cypher", "wipe.cypher"]) {
    const statement = cypher(file);
    for (;;) {
      const result = await session.executeWrite((tx) => tx.run(statement, { batch: neo4j.int(10000) }));
      if (result.records[0].get("deleted").toNumber() === 0) break;
    }
  }
  await session.executeWrite((tx) => tx.run(cypher("change_feed_reset.cypher")));
} finally {
  await session.close();
  await driver.close();
}
