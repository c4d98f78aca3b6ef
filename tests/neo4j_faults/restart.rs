//! Neo4j restarted under a running service with clients reading and writing all the while:
//! every request ends by its deadline, the service answers again within 5 s of Neo4j being
//! back, and writes whose answer was lost are settled by their retry under the same key.
//!
//! A restarted Neo4j needs a few seconds of its own before it answers its first queries (its
//! JVM is cold: 3 to 9 s on two busy cores here), whoever asks. "Back" is therefore when a
//! service started afresh against the restarted server answers the same read; the running
//! service must answer within 5 s of that.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lotsennetz::auth::Role;
use serde_json::json;

use super::{CREATE_REGION, Client, READ_REGIONS, code, neo4j, region, serve, take_server, token};

/// The deadlines the README states for reads and for writes, plus the HTTP round trip.
const READ_BOUND: Duration = Duration::from_secs(16);
const WRITE_BOUND: Duration = Duration::from_secs(121);
/// The running service answers again within this time of a fresh one.
const RECOVERY: Duration = Duration::from_secs(5);

#[derive(Debug)]
struct Sample {
    write: Option<(String, String)>,
    started: Instant,
    took: Duration,
    code: Option<String>,
}

/// Sends reads (or keyed writes) one after the other until `stop`, recording each.
async fn load(
    client: Arc<Client>,
    worker: usize,
    write: bool,
    stop: Arc<AtomicBool>,
    samples: Arc<Mutex<Vec<Sample>>>,
) {
    for n in 0.. {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let started = Instant::now();
        let (answer, write) = if write {
            let (key, name) = (
                format!("load-{}-{worker}-{n}", std::process::id()),
                format!("Last {} {worker}-{n}", std::process::id()),
            );
            (client.send(Some(&key), CREATE_REGION, region(&name)).await, Some((key, name)))
        } else {
            (client.send(None, READ_REGIONS, json!({})).await, None)
        };
        let took = started.elapsed();
        let code = match &answer {
            Some(answer) => code(answer).map(str::to_owned),
            None => Some("NO_ANSWER".to_owned()),
        };
        let failed = code.is_some();
        samples.lock().expect("samples").push(Sample { write, started, took, code });
        if failed {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// How long after `since` a read first succeeds, polling every 100 ms.
async fn first_answer(client: &Client, since: Instant) -> Duration {
    loop {
        let answer = client.send(None, READ_REGIONS, json!({})).await;
        if answer.as_ref().is_some_and(|a| code(a).is_none()) {
            return since.elapsed();
        }
        assert!(since.elapsed() < Duration::from_secs(60), "no answer a minute after the restart: {answer:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs `scripts/neo4j.sh <command>` off the runtime's threads, which the load needs.
async fn neo4j_async(command: &'static str) {
    tokio::task::spawn_blocking(move || neo4j(command)).await.expect("neo4j.sh ran");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_the_service_answers_within_5_s_and_no_request_outlasts_its_deadline() {
    let _server = take_server().await;
    neo4j_async("start").await;
    let client = Arc::new(serve(token("admin", Role::Admin, None), |_| {}).await);
    client.wait_ready(Duration::from_secs(60)).await;
    let stop = Arc::new(AtomicBool::new(false));
    let samples = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..4)
        .map(|worker| {
            tokio::spawn(load(Arc::clone(&client), worker, worker < 2, Arc::clone(&stop), Arc::clone(&samples)))
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Act: Neo4j stops under load, stays down a moment, and starts again.
    neo4j_async("stop").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    neo4j_async("start").await;
    let bolt_back = Instant::now();
    let fresh = serve(token("admin", Role::Admin, None), |_| {}).await;
    let (fresh_answered, recovered) = tokio::join!(first_answer(&fresh, bolt_back), first_answer(&client, bolt_back));
    let back = bolt_back + fresh_answered;
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.await.expect("load worker");
    }

    // Assert: recovered in time; every request within its bound, failing only as unavailable.
    let samples = std::mem::take(&mut *samples.lock().expect("samples"));
    let failed: Vec<&Sample> = samples.iter().filter(|s| s.code.is_some()).collect();
    eprintln!(
        "after Bolt was back, a fresh service answered in {fresh_answered:?}, the running one in {recovered:?}; \
         {} requests, {} failed",
        samples.len(),
        failed.len()
    );
    assert!(
        recovered <= fresh_answered + RECOVERY,
        "answered {recovered:?} after Bolt, a fresh service {fresh_answered:?}"
    );
    assert!(!failed.is_empty(), "the outage was noticed");
    for sample in &samples {
        let bound = if sample.write.is_some() { WRITE_BOUND } else { READ_BOUND };
        assert!(sample.took <= bound, "took longer than its deadline: {sample:?}");
        let allowed: &[&str] = match sample.write {
            Some(_) => &["SERVICE_UNAVAILABLE", "WRITE_OUTCOME_UNKNOWN"],
            None => &["SERVICE_UNAVAILABLE"],
        };
        assert!(sample.code.as_deref().is_none_or(|c| allowed.contains(&c)), "{sample:?}");
    }
    let late: Vec<_> = failed.iter().filter(|s| s.started > back + RECOVERY).collect();
    assert!(late.is_empty(), "failed after the recovery bound: {late:?}");

    // Every write that failed, retried under its key, is stored exactly once.
    for sample in failed {
        let Some((key, name)) = &sample.write else { continue };
        let retried = client.send(Some(key), CREATE_REGION, region(name)).await.expect("an answer");
        assert!(code(&retried).is_none(), "retry of {sample:?}: {retried:#}");
        assert_eq!(client.regions_named(name).await, 1, "{sample:?}");
    }
}
