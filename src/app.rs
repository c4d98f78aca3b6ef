//! The application: store, services, schema and HTTP server, built from a [`Config`].

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::auth::{AuthArgs, Role, Verifier};
use crate::config::{Config, StoreConfig};
use crate::domain::{Node, NodeKind};
use crate::metrics::{MeteredStore, Metrics};
use crate::service::Services;
use crate::store::embedded::EmbeddedStore;
use crate::store::neo4j::Neo4jStore;
use crate::store::{Change, GraphStore, ListQuery};

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    services: Services,
    auth: AuthArgs,
    shutdown_timeout: Duration,
    /// Fired at the shutdown deadline; the router cancels the requests still running.
    cancel: CancellationToken,
    /// Fired when stopping starts; WebSocket connections close.
    stopping: CancellationToken,
}

/// Opens the configured store.
pub async fn open_store(config: &StoreConfig) -> anyhow::Result<Arc<dyn GraphStore>> {
    match config {
        StoreConfig::Embedded { data_dir } => {
            let store = EmbeddedStore::open(data_dir)
                .map_err(|e| anyhow::anyhow!("{e}"))
                .with_context(|| format!("opening the embedded store in {}", data_dir.display()))?;
            Ok(Arc::new(store))
        }
        StoreConfig::Neo4j(neo4j) => {
            let store = Box::pin(Neo4jStore::open(neo4j))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))
                .with_context(|| format!("opening the Neo4j store at {}", neo4j.uri_for_display()))?;
            Ok(Arc::new(store))
        }
    }
}

/// Writes the demo network into the store unless it already holds regions; returns the
/// number of nodes written.
pub async fn seed_demo(services: &Services, scale: crate::demo::Scale, seed: u64) -> anyhow::Result<usize> {
    services.projection_loaded().await;
    let existing = services
        .list(&ListQuery { kind: Some(NodeKind::Region), first: 1, ..Default::default() })
        .await
        .map_err(|e| anyhow::anyhow!("reading the store: {}", e.display()))?;
    if !existing.nodes.is_empty() {
        tracing::info!("store already holds a network; demo data not loaded");
        return Ok(0);
    }
    let written = create_nodes(services, crate::demo::generate(scale, seed)).await?;
    tracing::info!(nodes = written, "demo network loaded");
    Ok(written)
}

/// Creates nodes given in dependency order, all in one atomic write.
pub async fn create_nodes(services: &Services, nodes: Vec<Node>) -> anyhow::Result<usize> {
    let count = nodes.len();
    services
        .apply_as_operator(nodes.into_iter().map(Change::Create).collect())
        .await
        .map_err(|e| anyhow::anyhow!("writing {count} nodes: {}", e.display()))?;
    Ok(count)
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let metrics = Arc::new(Metrics::new());
        let store = MeteredStore::new(Box::pin(open_store(&config.store)).await?, metrics.clone());
        metrics.watch_projection(store.projection());
        let projection = store.projection();
        projection.keep_peer_answers(config.peer_cache);
        let services = Services::new(Arc::new(store));
        if let Some((scale, seed)) = config.demo {
            seed_demo(&services, scale, seed).await?;
        }
        let verifier = Arc::new(Verifier::from_args(&config.auth)?);
        let graphql = crate::graphql::Endpoint::new(services.clone(), config.limits.clone(), config.schema);
        let web = crate::web::Web::new(config.web.clone(), services.clone(), config.auth.clone());
        let cancel = CancellationToken::new();
        let stopping = CancellationToken::new();
        let live = crate::http::Live::new(projection, config.live, config.max_body_bytes, stopping.clone());
        let mut router = crate::http::router(
            graphql,
            services.clone(),
            verifier,
            live,
            web,
            config.max_body_bytes,
            metrics,
            cancel.clone(),
        );
        if let Some(cors) = crate::http::cors(&config.cors_origins)? {
            router = router.layer(cors);
        }
        let address = SocketAddr::new(config.bind, config.port);
        let listener = TcpListener::bind(address).await.with_context(|| format!("binding {address}"))?;
        Ok(Self {
            listener,
            router,
            services,
            auth: config.auth,
            shutdown_timeout: config.shutdown_timeout,
            cancel,
            stopping,
        })
    }

    /// Ready-to-use HS256 tokens for the first Lotse, the first expert and an admin of the
    /// stored network, each as (who, token); valid for a day.
    pub async fn demo_tokens(&self) -> anyhow::Result<Vec<(String, String)>> {
        const DAY: u64 = 24 * 60 * 60;
        let mut tokens = Vec::new();
        self.services.projection_loaded().await;
        for (kind, role) in [(NodeKind::Lotse, Role::Lotse), (NodeKind::Expert, Role::Expert)] {
            let page = self
                .services
                .list(&ListQuery { kind: Some(kind), first: 1, ..Default::default() })
                .await
                .map_err(|e| anyhow::anyhow!("reading the store: {}", e.display()))?;
            if let Some(node) = page.nodes.first() {
                let label = format!("{kind} {}", node.id());
                tokens.push((label, crate::auth::mint(&self.auth, node.id().as_str(), role, None, DAY)?));
            }
        }
        tokens.push(("admin".to_owned(), crate::auth::mint(&self.auth, "admin", Role::Admin, None, DAY)?));
        Ok(tokens)
    }

    pub fn port(&self) -> u16 {
        self.local_addr().port()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Serves until Ctrl-C or SIGTERM, then stops within the shutdown deadline.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(crate::shutdown::signal()).await
    }

    /// Serves until `stop` completes; then requests in flight may finish until the shutdown
    /// deadline, after which the rest are cancelled (see [`crate::shutdown`]).
    pub async fn run_until(self, stop: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let stopping = self.stopping;
        let stop = async move {
            stop.await;
            stopping.cancel();
        };
        crate::shutdown::serve(self.listener, self.router, stop, self.shutdown_timeout, self.cancel).await
    }
}
