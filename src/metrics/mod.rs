//! Prometheus metrics of one application, served at `/metrics` in the OpenMetrics text format.
//!
//! Labels stay bounded whatever clients send: GraphQL operations are labelled by the name
//! their document declares, anonymous and unknown ones as `unnamed`, and names beyond the
//! first [`MAX_OPERATION_NAMES`] (or longer than [`MAX_LABEL_CHARS`]) as `other`; error
//! codes likewise.

mod store;

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

pub use store::MeteredStore;

/// Distinct operation names that get a label of their own.
pub const MAX_OPERATION_NAMES: usize = 200;
/// Distinct error codes that get a label of their own.
pub const MAX_ERROR_CODES: usize = 50;
/// Longest label value kept; longer names count as `other`.
pub const MAX_LABEL_CHARS: usize = 100;

/// Label of anonymous operations and of requests whose operation is unknown.
pub const UNNAMED: &str = "unnamed";
/// Label of names beyond the bounds.
pub const OTHER: &str = "other";

/// Content type of [`Metrics::render`].
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// From 1 ms to 30 s: store calls take microseconds to milliseconds, requests up to the
/// request timeout.
const SECONDS_BUCKETS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StoreLabels {
    call: &'static str,
}

fn seconds_histogram() -> Histogram {
    Histogram::new(SECONDS_BUCKETS)
}

/// The metrics of one application; every instance has its own registry, so tests and
/// several applications in one process do not mix their counts.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_seconds: Family<RouteLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    operations: Family<OperationLabels, Counter>,
    operation_seconds: Family<OperationLabels, Histogram, fn() -> Histogram>,
    errors: Family<CodeLabels, Counter>,
    store_seconds: Family<StoreLabels, Histogram, fn() -> Histogram>,
    store_errors: Family<StoreLabels, Counter>,
    operation_names: BoundedLabels,
    error_codes: BoundedLabels,
    projection_nodes: Gauge,
    projection_loaded: Gauge,
    feed_behind: Gauge,
    dismissals: Gauge,
    peer_answers_kept: Counter,
    peer_answers_worked_out: Counter,
    /// The projection the gauges and the two counters above show, read at each scrape.
    projection: Mutex<Option<std::sync::Arc<crate::graph::Projection>>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut metrics = Self {
            registry: Registry::with_prefix("lotsennetz"),
            http_requests: Family::default(),
            http_seconds: Family::new_with_constructor(seconds_histogram),
            in_flight: Gauge::default(),
            operations: Family::default(),
            operation_seconds: Family::new_with_constructor(seconds_histogram),
            errors: Family::default(),
            store_seconds: Family::new_with_constructor(seconds_histogram),
            store_errors: Family::default(),
            operation_names: BoundedLabels::new(MAX_OPERATION_NAMES),
            error_codes: BoundedLabels::new(MAX_ERROR_CODES),
            projection_nodes: Gauge::default(),
            projection_loaded: Gauge::default(),
            feed_behind: Gauge::default(),
            dismissals: Gauge::default(),
            peer_answers_kept: Counter::default(),
            peer_answers_worked_out: Counter::default(),
            projection: Mutex::new(None),
        };
        let registry = &mut metrics.registry;
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            metrics.http_requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests, by route",
            metrics.http_seconds.clone(),
        );
        registry.register("http_requests_in_flight", "HTTP requests being answered now", metrics.in_flight.clone());
        registry.register("graphql_operations", "GraphQL requests, by operation name", metrics.operations.clone());
        registry.register(
            "graphql_operation_duration_seconds",
            "Time to answer GraphQL requests, by operation name",
            metrics.operation_seconds.clone(),
        );
        registry.register("graphql_errors", "Errors in GraphQL responses, by extensions.code", metrics.errors.clone());
        registry.register(
            "store_call_duration_seconds",
            "Time of calls into the store, by call",
            metrics.store_seconds.clone(),
        );
        registry.register("store_call_errors", "Failed calls into the store, by call", metrics.store_errors.clone());
        registry.register("projection_nodes", "Nodes in the matching projection", metrics.projection_nodes.clone());
        registry.register(
            "projection_loaded",
            "1 once the matching projection holds the network, else 0",
            metrics.projection_loaded.clone(),
        );
        registry.register(
            "change_feed_behind",
            "Change feed entries the last poll found unread (Neo4j store; 0 otherwise)",
            metrics.feed_behind.clone(),
        );
        registry.register(
            "dismissals",
            "Recommended peers dismissed by Lotsen (\"kein Interesse\"), each a miss of the recommendations",
            metrics.dismissals.clone(),
        );
        registry.register(
            "peer_answers_kept",
            "recommendPeers questions answered from an answer kept for the network as it is (--peer-cache)",
            metrics.peer_answers_kept.clone(),
        );
        registry.register(
            "peer_answers_worked_out",
            "recommendPeers questions worked out while answers are kept (--peer-cache)",
            metrics.peer_answers_worked_out.clone(),
        );
        metrics
    }

    /// Shows this projection's size and state at every scrape.
    pub fn watch_projection(&self, projection: std::sync::Arc<crate::graph::Projection>) {
        *self.projection.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(projection);
    }

    /// The metrics in the OpenMetrics text format.
    pub fn render(&self) -> String {
        if let Some(projection) = &*self.projection.lock().unwrap_or_else(std::sync::PoisonError::into_inner) {
            self.projection_nodes.set(projection.len() as i64);
            self.projection_loaded.set(i64::from(projection.is_loaded()));
            self.feed_behind.set(projection.feed_behind() as i64);
            self.dismissals.set(projection.count(crate::domain::NodeKind::Dismissal) as i64);
            let (kept, worked_out) = projection.peer_answer_counts();
            // Counters only go up: each scrape adds what happened since the last.
            self.peer_answers_kept.inc_by(kept.saturating_sub(self.peer_answers_kept.get()));
            self.peer_answers_worked_out.inc_by(worked_out.saturating_sub(self.peer_answers_worked_out.get()));
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry).expect("writing to a String cannot fail");
        text
    }

    /// Counts a request now being answered until the returned guard is dropped (also when
    /// the request is cancelled).
    pub fn in_flight(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// Records an answered HTTP request; `route` is the router's pattern, never the raw path.
    pub fn http_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let labels = HttpLabels { method: method.to_owned(), route: route.to_owned(), status };
        self.http_requests.get_or_create(&labels).inc();
        self.http_seconds.get_or_create(&RouteLabels { route: labels.route }).observe(elapsed.as_secs_f64());
    }

    /// Records a GraphQL request: its operation and the codes of its errors.
    pub fn graphql_request(&self, operation: Option<&str>, error_codes: &[String], elapsed: Duration) {
        let labels = OperationLabels { operation: self.operation_names.label(operation) };
        self.operations.get_or_create(&labels).inc();
        self.operation_seconds.get_or_create(&labels).observe(elapsed.as_secs_f64());
        for code in error_codes {
            self.errors.get_or_create(&CodeLabels { code: self.error_codes.label(Some(code)) }).inc();
        }
    }

    /// Records a call into the store.
    pub fn store_call(&self, call: &'static str, elapsed: Duration, succeeded: bool) {
        let labels = StoreLabels { call };
        self.store_seconds.get_or_create(&labels).observe(elapsed.as_secs_f64());
        if !succeeded {
            self.store_errors.get_or_create(&labels).inc();
        }
    }
}

/// Decrements the in-flight gauge when dropped.
pub struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Label values taken from requests, at most `capacity` distinct ones.
struct BoundedLabels {
    seen: Mutex<HashSet<String>>,
    capacity: usize,
}

impl BoundedLabels {
    fn new(capacity: usize) -> Self {
        Self { seen: Mutex::default(), capacity }
    }

    /// `value` itself while there is room for it, [`UNNAMED`] for none, [`OTHER`] beyond the bounds.
    fn label(&self, value: Option<&str>) -> String {
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            return UNNAMED.to_owned();
        };
        if value.chars().count() > MAX_LABEL_CHARS {
            return OTHER.to_owned();
        }
        // A poisoned lock only means another request panicked while inserting a name.
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.contains(value) || seen.len() < self.capacity && seen.insert(value.to_owned()) {
            value.to_owned()
        } else {
            OTHER.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_beyond_the_capacity_collapse_into_other() {
        let labels = BoundedLabels::new(2);
        assert_eq!(labels.label(Some("A")), "A");
        assert_eq!(labels.label(Some("B")), "B");
        assert_eq!(labels.label(Some("C")), OTHER);
        assert_eq!(labels.label(Some("A")), "A", "names seen before keep their label");
        assert_eq!(labels.label(None), UNNAMED);
        assert_eq!(labels.label(Some(&"x".repeat(MAX_LABEL_CHARS + 1))), OTHER);
    }
}
