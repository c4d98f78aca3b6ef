//! The command line: `lotsennetz schema` and the committed SDL.

use std::process::Command;

#[test]
fn schema_graphql_is_the_served_schema_byte_for_byte() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).expect("schema.graphql exists");
    assert!(
        committed == lotsennetz::graphql::sdl(),
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql`"
    );
}

#[test]
fn the_schema_subcommand_prints_the_sdl() {
    let output = Command::new(env!("CARGO_BIN_EXE_lotsennetz")).arg("schema").output().expect("binary runs");
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), lotsennetz::graphql::sdl());
}

#[test]
fn every_type_and_field_has_a_description() {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

    let document = async_graphql::parser::parse_schema(lotsennetz::graphql::sdl()).expect("the SDL parses");
    let mut undocumented = Vec::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else { continue };
        let ty = ty.node;
        let name = ty.name.node.to_string();
        if ty.description.is_none() && !["Query", "Mutation"].contains(&name.as_str()) {
            undocumented.push(name.clone());
        }
        let fields: Vec<(String, bool)> = match &ty.kind {
            TypeKind::Object(o) => {
                o.fields.iter().map(|f| (f.node.name.node.to_string(), f.node.description.is_some())).collect()
            }
            TypeKind::InputObject(i) => {
                i.fields.iter().map(|f| (f.node.name.node.to_string(), f.node.description.is_some())).collect()
            }
            TypeKind::Enum(e) => {
                e.values.iter().map(|v| (v.node.value.node.to_string(), v.node.description.is_some())).collect()
            }
            _ => Vec::new(),
        };
        undocumented.extend(
            fields.into_iter().filter(|(_, documented)| !documented).map(|(field, _)| format!("{name}.{field}")),
        );
    }
    assert!(undocumented.is_empty(), "undocumented:\n{}", undocumented.join("\n"));
}

#[test]
fn the_demo_subcommand_seeds_an_empty_store_once() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
            .args(["demo", "--data-dir"])
            .arg(dir.path())
            .output()
            .expect("binary runs")
    };

    let first = run();
    let second = run();

    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let first_err = String::from_utf8_lossy(&first.stderr);
    assert!(first_err.lines().last().unwrap().starts_with(|c: char| c.is_ascii_digit() && c != '0'), "{first_err}");
    assert!(String::from_utf8_lossy(&second.stderr).contains("0 nodes written"));
}
