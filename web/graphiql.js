// Starts GraphiQL on /graphql from the vendored builds; the token goes into the Headers tab.
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
const defaultHeaders = JSON.stringify({ Authorization: 'Bearer <token>' }, null, 2);
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultHeaders, shouldPersistHeaders: false }),
);
