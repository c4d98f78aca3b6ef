//! Import, export and generate on the command line, and `importRecords` over GraphQL.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use lotsennetz::auth::Role;
use lotsennetz::config::StoreConfig;
use serde_json::json;

use crate::helpers::*;

fn lotsennetz(args: &[&str], data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .expect("binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const EVERY_TYPE: &str = r#"{"type":"region","id":"rb-t","name":"Regierungsbezirk Test","kind":"REGIERUNGSBEZIRK"}
{"type":"district","id":"d","name":"Landkreis Test","region":"r"}
{"type":"region","id":"r","name":"Region Test","parent":"rb-t"}
{"type":"municipality","id":"m1","name":"Aheim","district":"d","ags":"08999001","population":4200,"lat":48.5,"lon":9.1}
{"type":"municipality","id":"m2","name":"Bedorf","district":"d"}
{"type":"topic","id":"sub","name":"E-Akte","parent":"root"}
{"type":"topic","id":"root","name":"Verwaltungsdigitalisierung"}
{"type":"organization","id":"o","name":"Komm.ONE"}
{"type":"lotse","id":"l1","name":"Lena Lotse","municipality":"m1","email":"lena@aheim.de","topics":["sub"]}
{"type":"lotse","id":"l2","name":"Lars Lotse","municipality":"m2"}
{"type":"expert","id":"x","name":"Xenia Expertin","organization":"o","topics":["sub"],"serves":["r","d"]}
{"type":"project","id":"p1","title":"E-Akte im Bauamt","municipality":"m1","topics":["sub"],"members":["l1",{"lotse":"l2","role":"ADVISOR"}],"status":"COMPLETED"}
{"type":"connection","from":"l1","to":"l2"}
{"type":"dismissal","id":"x-l3","lotse":"l1","dismissed":"l3","created_at":"2025-02-01T08:00:00Z"}
{"type":"project_invitation","id":"i-l3","project":"p1","lotse":"l3","invited_by":"l1","role":"MEMBER","status":"PENDING","created_at":"2025-02-01T08:00:00Z"}
{"type":"lotse","id":"l3","name":"Lea Lotse","municipality":"m2"}
"#;

fn write_file(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn every_record_type_imports_with_defaults_and_references_in_any_order() {
    // Arrange
    let files = tempfile::tempdir().unwrap();
    let store = tempfile::tempdir().unwrap();
    let file = write_file(files.path(), "network.jsonl", EVERY_TYPE);

    // Act
    let output = lotsennetz(&["import", file.to_str().unwrap()], store.path());

    // Assert
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("imported 16 records"), "{}", stderr(&output));
    let dir = store.path().to_path_buf();
    let app = TestApp::spawn_with(move |config| config.store = StoreConfig::Embedded { data_dir: dir }).await;
    let data = app
        .data(
            r#"{ region(id: "r") { kind parent { id } } district(id: "d") { kind } m2: municipality(id: "m2") { kind ags }
                 m1: municipality(id: "m1") { latitude population }
                 lotse(id: "l2") { visibility contacts { id } } project(id: "p1") { status members { role lotse { id } } }
                 expert(id: "x") { serves { ... on Region { id } ... on District { id } } } topic(id: "sub") { parent { id } }
                 myInvitations(lotseId: "l3") { status invitedBy { id } project { id } }
                 dismissals(byLotseId: "l1") { lotse { id } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["region"], json!({ "kind": "REGION", "parent": { "id": "rb-t" } }));
    assert_eq!(data["district"]["kind"], "LANDKREIS");
    assert_eq!(data["m2"], json!({ "kind": "GEMEINDE", "ags": null }));
    assert_eq!(data["m1"], json!({ "latitude": 48.5, "population": 4200 }));
    assert_eq!(data["lotse"], json!({ "visibility": "NETWORK", "contacts": [{ "id": "l1" }] }));
    assert_eq!(
        data["project"]["members"],
        json!([{ "role": "MEMBER", "lotse": { "id": "l1" } }, { "role": "ADVISOR", "lotse": { "id": "l2" } }])
    );
    assert_eq!(data["expert"]["serves"], json!([{ "id": "r" }, { "id": "d" }]));
    assert_eq!(data["topic"]["parent"]["id"], "root");
    assert_eq!(
        data["myInvitations"],
        json!([{ "status": "PENDING", "invitedBy": { "id": "l1" }, "project": { "id": "p1" } }])
    );
    assert_eq!(data["dismissals"], json!([{ "lotse": { "id": "l3" } }]));
}

#[test]
fn bad_lines_are_reported_with_line_and_field_and_nothing_is_written() {
    let files = tempfile::tempdir().unwrap();
    let cases = [
        ("bad JSON", "{\"type\":\"topic\",\"id\":\"t\"", "line 17", "not valid JSON"),
        ("unknown type", r#"{"type":"planet","id":"mars"}"#, "line 17, field type", "unknown type 'planet'"),
        ("missing field", r#"{"type":"lotse","id":"l3","municipality":"m1"}"#, "line 17", "missing field `name`"),
        (
            "dangling reference",
            r#"{"type":"lotse","id":"l3","name":"Nie","municipality":"nowhere"}"#,
            "line 17, field municipality",
            "no municipality with id 'nowhere'",
        ),
        (
            "invalid AGS",
            r#"{"type":"municipality","id":"m3","name":"C","district":"d","ags":"0899"}"#,
            "line 17, field ags",
            "8 digits",
        ),
        (
            "duplicate id",
            r#"{"type":"topic","id":"sub","name":"Doppelt"}"#,
            "line 17, field id",
            "already used on line 6",
        ),
    ];
    for (what, bad_line, location, message) in cases {
        let store = tempfile::tempdir().unwrap();
        let file = write_file(files.path(), "bad.jsonl", &format!("{EVERY_TYPE}{bad_line}\n"));

        let output = lotsennetz(&["import", file.to_str().unwrap()], store.path());
        let exported = lotsennetz(&["export", "-"], store.path());

        assert!(!output.status.success(), "{what} was accepted");
        let err = stderr(&output);
        assert!(err.contains(location) && err.contains(message), "{what}: {err}");
        assert!(err.contains("nothing was written"), "{what}: {err}");
        assert!(exported.status.success());
        assert!(exported.stdout.is_empty(), "{what}: something was written");
    }
}

#[test]
fn importing_twice_changes_nothing_and_dry_runs_write_nothing() {
    let files = tempfile::tempdir().unwrap();
    let store = tempfile::tempdir().unwrap();
    let file = write_file(files.path(), "network.jsonl", EVERY_TYPE);

    let dry = lotsennetz(&["import", "--dry-run", file.to_str().unwrap()], store.path());
    let after_dry = lotsennetz(&["export", "-"], store.path());
    let first = lotsennetz(&["import", file.to_str().unwrap()], store.path());
    let export_first = lotsennetz(&["export", "-"], store.path());
    let second = lotsennetz(&["import", file.to_str().unwrap()], store.path());
    let export_second = lotsennetz(&["export", "-"], store.path());

    assert!(dry.status.success() && stderr(&dry).contains("dry run, nothing written"), "{}", stderr(&dry));
    assert!(after_dry.stdout.is_empty());
    assert!(stderr(&first).contains("16 created"), "{}", stderr(&first));
    assert!(stderr(&second).contains("0 created, 0 updated, 16 unchanged"), "{}", stderr(&second));
    assert_eq!(export_first.stdout, export_second.stdout);
}

#[test]
fn generate_import_export_round_trips_byte_for_byte_also_gzipped_and_from_stdin() {
    let files = tempfile::tempdir().unwrap();
    let generated = files.path().join("bw.jsonl.gz");
    let first_store = tempfile::tempdir().unwrap();
    let second_store = tempfile::tempdir().unwrap();

    let generation = Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args(["generate", "--scale", "bw", "--seed", "3"])
        .arg(&generated)
        .output()
        .unwrap();
    let import = lotsennetz(&["import", generated.to_str().unwrap()], first_store.path());
    let export = lotsennetz(&["export", "-"], first_store.path());
    let mut reimport = Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args(["import", "-", "--data-dir"])
        .arg(second_store.path())
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    reimport.stdin.take().unwrap().write_all(&export.stdout).unwrap();
    let reimported = reimport.wait_with_output().unwrap();
    let export_again = lotsennetz(&["export", "-"], second_store.path());

    assert!(generation.status.success(), "{}", stderr(&generation));
    assert!(import.status.success(), "{}", stderr(&import));
    assert!(reimported.status.success(), "{}", stderr(&reimported));
    assert!(export.stdout.len() > 1_000_000);
    assert!(export.stdout == export_again.stdout, "export → import → export differs");
    let lines = export.stdout.iter().filter(|b| **b == b'\n').count();
    assert!(stderr(&import).contains(&format!("imported {lines} records")), "{}", stderr(&import));
}

#[tokio::test]
async fn integrations_import_over_graphql_with_the_import_scope() {
    let app = TestApp::spawn().await;
    let importer = app.as_user(integration_token("import"));
    let reader = app.as_user(integration_token("read"));
    let lotse = app.as_user(token("l1", Role::Lotse));
    let mutation = "mutation($records: String!, $dryRun: Boolean) { importRecords(records: $records, dryRun: $dryRun) { records created updated unchanged written } }";
    let probe = "{ topics { edges { node { id } } } }";

    assert_eq!(reader.error_code(mutation, json!({ "records": EVERY_TYPE })).await, "FORBIDDEN");
    assert_eq!(lotse.error_code(mutation, json!({ "records": EVERY_TYPE })).await, "FORBIDDEN");
    let bad = importer.gql(mutation, json!({ "records": format!("{EVERY_TYPE}{{\"type\":\"lotse\",\"id\":\"z\",\"name\":\"Z\",\"municipality\":\"nowhere\"}}\n") })).await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["records"][0]["line"], 17);
    assert_eq!(bad["errors"][0]["extensions"]["records"][0]["field"], "municipality");
    assert_eq!(app.data(probe, json!({})).await["topics"]["edges"], json!([]));
    let dry = importer.data(mutation, json!({ "records": EVERY_TYPE, "dryRun": true })).await;
    assert_eq!(
        dry["importRecords"],
        json!({ "records": 16, "created": 16, "updated": 0, "unchanged": 0, "written": false })
    );
    assert_eq!(app.data(probe, json!({})).await["topics"]["edges"], json!([]));

    let done = importer.data(mutation, json!({ "records": EVERY_TYPE })).await;
    let again = importer.data(mutation, json!({ "records": EVERY_TYPE })).await;

    assert_eq!(done["importRecords"]["created"], 16);
    assert_eq!(
        again["importRecords"],
        json!({ "records": 16, "created": 0, "updated": 0, "unchanged": 16, "written": true })
    );
    let log = app.data("{ auditLog(first: 100) { edges { node { actor action } } } }", json!({})).await;
    assert_eq!(log["auditLog"]["edges"].as_array().unwrap().len(), 16);
}
