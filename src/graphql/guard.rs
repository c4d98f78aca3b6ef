//! The gate in front of every root field: GraphQL data needs a token; integrations read only
//! with a `read` or `import` scope. Introspection stays open so the IDE can show the schema.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo};
use async_graphql::{Pos, ServerResult, Value};

use super::errors::{FORBIDDEN, UNAUTHENTICATED, coded};
use super::support::Caller;
use crate::auth::Viewer;

pub struct RequireViewer;

impl ExtensionFactory for RequireViewer {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequireViewer)
    }
}

#[async_trait::async_trait]
impl Extension for RequireViewer {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let is_root = info.path_node.parent.is_none();
        if is_root && !info.is_for_introspection && !info.name.starts_with("__") {
            let viewer = ctx.data_opt::<Caller>().map_or(&Viewer::Anonymous, |c| &c.viewer);
            if viewer == &Viewer::Anonymous {
                return Err(coded(UNAUTHENTICATED, "a bearer token is required").into_server_error(Pos::default()));
            }
            if info.parent_type == "Query" && !viewer.may_read() {
                return Err(
                    coded(FORBIDDEN, "integrations read only with the read scope").into_server_error(Pos::default())
                );
            }
        }
        next.run(ctx, info).await
    }
}
