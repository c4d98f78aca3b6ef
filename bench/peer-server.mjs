// The stock GraphQL server of scripts/bench-peer.sh: Apollo Server with the schema that
// @neo4j/graphql generates from bench/peer.graphql, over the Neo4j named by
// LOTSENNETZ_NEO4J_URI / _USER / _PASSWORD, on 127.0.0.1:PEER_PORT (any path).
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const typeDefs = readFileSync(new URL("./peer.graphql", import.meta.url), "utf8");
const driver = neo4j.driver(
  env("LOTSENNETZ_NEO4J_URI"),
  neo4j.auth.basic(env("LOTSENNETZ_NEO4J_USER"), env("LOTSENNETZ_NEO4J_PASSWORD")),
);
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(env("PEER_PORT")) },
});
console.log(`stock @neo4j/graphql server at ${url}`);
const stop = async () => {
  await server.stop();
  await driver.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
