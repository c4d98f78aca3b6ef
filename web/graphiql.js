// Starts GraphiQL on /graphql from the vendored builds. No token by default: the schema loads
// by anonymous introspection, and the person adds their token in the Headers tab.
//
// GraphiQL's own introspection query follows `ofType` nine levels deep, deeper than the
// service's depth limit allows; no type of this schema wraps more than three levels
// (`[ID!]!`), so the query below, with five, reads the same schema within the limit.
const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }';
const INTROSPECTION = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations isRepeatable args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { ${TYPE_REF} }`;

const post = GraphiQL.createFetcher({ url: '/graphql' });
const fetcher = (params, options) =>
  post(params.operationName === 'IntrospectionQuery' ? { ...params, query: INTROSPECTION } : params, options);

const defaultQuery = `# Lotsennetz GraphQL API
#
# Queries need a bearer token: open "Headers" below and enter
#   {"Authorization": "Bearer <token>"}
# (with \`serve --demo\`, the service prints demo tokens at start).

{
  topics(first: 5) { edges { node { id name } } }
}
`;
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery, shouldPersistHeaders: false }),
);
