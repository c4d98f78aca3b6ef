//! `orderBy` on the top-level lists: pages in the order asked for, ties broken by id, cursors
//! that continue where the page ended and belong to their order.

use serde_json::{Value, json};

use crate::helpers::*;

/// Every page of `field(orderBy: $order, first: 2)`, followed through `endCursor`; each
/// node's `id` and `label`.
async fn pages(app: &TestApp, field: &str, label: &str, order: Value) -> Vec<(String, String)> {
    let query = format!(
        "query($order: {ty}, $after: String) {{ {field}(orderBy: $order, first: 2, after: $after) {{
            totalCount edges {{ cursor node {{ id {label} }} }} pageInfo {{ hasNextPage endCursor }} }} }}",
        ty = order_type(field)
    );
    let (mut after, mut seen, mut total) = (Value::Null, Vec::new(), None);
    loop {
        let page = app.data(&query, json!({ "order": order, "after": after })).await[field].clone();
        let edges = page["edges"].as_array().expect("edges");
        assert!(edges.len() <= 2);
        for edge in edges {
            seen.push((edge["node"]["id"].as_str().unwrap().to_owned(), edge["node"][label].to_string()));
        }
        assert_eq!(*total.get_or_insert(page["totalCount"].clone()), page["totalCount"], "the count is of all pages");
        if page["pageInfo"]["hasNextPage"] == false {
            assert_eq!(total, Some(json!(seen.len())));
            return seen;
        }
        assert_eq!(page["pageInfo"]["endCursor"], edges.last().unwrap()["cursor"]);
        after = page["pageInfo"]["endCursor"].clone();
    }
}

fn order_type(field: &str) -> &'static str {
    match field {
        "municipalities" => "MunicipalityOrder",
        "projects" => "ProjectOrder",
        "connectionRequests" | "auditLog" => "RecordOrder",
        _ => "NameOrder",
    }
}

fn ids(seen: &[(String, String)]) -> Vec<&str> {
    seen.iter().map(|(id, _)| id.as_str()).collect()
}

/// Gives Lotsen names that tie and differ only in case and umlauts.
async fn rename(app: &TestApp) {
    for (id, name) in [("anna", "Maier"), ("ben", "Müller"), ("carla", "maier"), ("dora", "Mueller"), ("emil", "Maier")]
    {
        app.data(
            "mutation($id: ID!, $name: String!) { updateLotse(id: $id, input: { name: $name }) { id } }",
            json!({ "id": id, "name": name }),
        )
        .await;
    }
}

#[tokio::test]
async fn lists_page_by_name_with_ties_broken_by_id_both_ways() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    rename(&app).await;

    let ascending = pages(&app, "lotsen", "name", json!({ "field": "NAME" })).await;
    let descending = pages(&app, "lotsen", "name", json!({ "field": "NAME", "direction": "DESC" })).await;

    assert_eq!(
        ascending.iter().map(|(id, name)| format!("{name} {id}")).collect::<Vec<_>>(),
        [
            "\"Lotse anton\" anton",
            "\"Lotse hidden\" hidden",
            "\"Maier\" anna",
            "\"Maier\" emil",
            "\"maier\" carla",
            "\"Mueller\" dora",
            "\"Müller\" ben",
        ]
    );
    let mut reversed = ascending.clone();
    reversed.reverse();
    assert_eq!(descending, reversed, "descending is the exact reverse, ties included");
}

#[tokio::test]
async fn municipalities_by_population_projects_by_title_and_anything_by_last_change() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    app.data(r#"mutation { updateLotse(id: "carla", input: { position: "Digitallotsin" }) { id } }"#, json!({})).await;
    app.data(r#"mutation { updateLotse(id: "anna", input: { position: "Digitallotsin" }) { id } }"#, json!({})).await;

    let by_population =
        pages(&app, "municipalities", "population", json!({ "field": "POPULATION", "direction": "DESC" }));
    assert_eq!(ids(&by_population.await), ["m-d", "m-b", "m-c", "m-a", "m-e"]);

    let query = r#"{ projects(filter: { topicId: "eakte" }, orderBy: { field: TITLE, direction: DESC }) {
        edges { node { id } } } }"#;
    let titles = app.data(query, json!({})).await;
    assert_eq!(
        titles["projects"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["p-hidden", "p-dora1", "p-carla1", "p-ben1", "p-anton", "p-anna1"]
    );

    let recent = pages(&app, "lotsen", "updatedAt", json!({ "field": "UPDATED_AT", "direction": "DESC" })).await;
    assert_eq!(ids(&recent)[..2], ["anna", "carla"], "the latest change first");
    let by_id = pages(&app, "lotsen", "name", json!({ "field": "ID", "direction": "DESC" })).await;
    assert_eq!(ids(&by_id), ["hidden", "emil", "dora", "carla", "ben", "anton", "anna"]);
}

#[tokio::test]
async fn a_cursor_belongs_to_its_order_and_the_default_order_is_unchanged() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let query = "query($order: NameOrder, $after: String) { lotsen(first: 2, orderBy: $order, after: $after) {
        edges { node { id } } pageInfo { endCursor } } }";
    let by_name = json!({ "field": "NAME" });
    let first = app.data(query, json!({ "order": by_name })).await;
    let cursor = first["lotsen"]["pageInfo"]["endCursor"].clone();

    for (order, after) in [
        (json!({ "field": "NAME", "direction": "DESC" }), cursor.clone()),
        (json!(null), cursor.clone()),
        (json!({ "field": "UPDATED_AT" }), cursor.clone()),
        (by_name.clone(), json!("anna")),
        (by_name.clone(), json!("o~not-a-cursor")),
    ] {
        let body = app.gql(query, json!({ "order": order, "after": after })).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{order} {after}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "after", "{body}");
    }
    let refused = app.gql(query, json!({ "order": { "field": "NAME", "direction": "DESC" }, "after": cursor })).await;
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("another orderBy"), "{refused}");

    // Without orderBy, or ordered by id ascending, the cursor is the id as before.
    let plain = app.data(query, json!({})).await;
    assert_eq!(plain["lotsen"]["pageInfo"]["endCursor"], "anton");
    let by_id = app.data(query, json!({ "order": { "field": "ID" }, "after": "anton" })).await;
    assert_eq!(by_id["lotsen"]["edges"], json!([{ "node": { "id": "ben" } }, { "node": { "id": "carla" } }]));
}
