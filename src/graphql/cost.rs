//! Limits on a parsed document, checked before validation and execution: aliases and
//! directives as written, and the fields and cost of the chosen operation with every fragment
//! spread expanded.
//!
//! Fragments are walked once each and their totals reused, so a document whose fragments each
//! spread the next one twice (2^n fields from a few hundred bytes) is measured in
//! microseconds. Cost measures work: a field costs 1, a list field its page size (`first`, or
//! the default page) times what it selects, a list of nodes by id the number of ids, a list
//! without paging an estimate of its length, and each result of a recommendation, search or
//! introduction path a question weight, because ranking costs more than reading.

use std::collections::HashMap;

use async_graphql::Value as ConstValue;
use async_graphql::Variables;
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    Directive, ExecutableDocument, Field, OperationDefinition, OperationType, Selection, SelectionSet,
};

use super::limits::{Limits, Refusal};
use super::support::{DEFAULT_FIRST, MAX_FIRST};
use super::types::TypeIndex;

/// What a list without a `first` argument (a Lotse's topics, a project's members) is
/// assumed to hold.
const UNPAGED_LIST_LENGTH: u64 = 10;
/// Cost of each ranked result of a recommendation question, on top of what it selects.
const QUESTION_WEIGHT: u64 = 10;
const QUESTIONS: [&str; 6] =
    ["recommendPeers", "similarProjects", "municipalitiesToAdvise", "expertsFor", "search", "introductionPaths"];

/// Aliases and directives of the whole document, as written.
pub fn check_document(document: &ExecutableDocument, limits: &Limits) -> Result<(), Refusal> {
    let mut counts = Counts::default();
    for (_, operation) in document.operations.iter() {
        counts.directives += operation.node.directives.len();
        for variable in &operation.node.variable_definitions {
            counts.directives += variable.node.directives.len();
        }
        counts.add(&operation.node.selection_set.node);
    }
    for fragment in document.fragments.values() {
        counts.directives += fragment.node.directives.len();
        counts.add(&fragment.node.selection_set.node);
    }
    Refusal::check("aliases", counts.aliases as u64, limits.max_aliases as u64)?;
    Refusal::check("directives", counts.directives as u64, limits.max_directives as u64)
}

#[derive(Default)]
struct Counts {
    aliases: usize,
    directives: usize,
}

impl Counts {
    fn add(&mut self, set: &SelectionSet) {
        for item in &set.items {
            let (directives, inner): (&[Positioned<Directive>], Option<&SelectionSet>) = match &item.node {
                Selection::Field(field) => {
                    self.aliases += usize::from(field.node.alias.is_some());
                    (&field.node.directives, Some(&field.node.selection_set.node))
                }
                Selection::FragmentSpread(spread) => (&spread.node.directives, None),
                Selection::InlineFragment(inline) => (&inline.node.directives, Some(&inline.node.selection_set.node)),
            };
            self.directives += directives.len();
            if let Some(inner) = inner {
                self.add(inner);
            }
        }
    }
}

/// Fields and cost of one operation, fragments expanded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measure {
    pub fields: u64,
    pub cost: u64,
}

impl Measure {
    fn plus(self, other: Self) -> Self {
        Self { fields: self.fields.saturating_add(other.fields), cost: self.cost.saturating_add(other.cost) }
    }
}

/// Measures an operation and refuses it when it selects too many fields or costs too much.
pub fn check_operation(
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    variables: &Variables,
    types: &TypeIndex,
    limits: &Limits,
) -> Result<Measure, Refusal> {
    let root = match operation.ty {
        OperationType::Query => types.query.as_str(),
        OperationType::Mutation => types.mutation.as_str(),
        OperationType::Subscription => types.subscription.as_str(),
    };
    let mut walk = Walk { document, variables, types, fragments: HashMap::new() };
    let measure = walk.selection(root, &operation.selection_set.node);
    Refusal::check("fields", measure.fields, limits.max_fields)?;
    Refusal::check("cost", measure.cost, limits.max_cost)?;
    Ok(measure)
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    types: &'a TypeIndex,
    /// Totals of fragments already walked; `None` while one is being walked, so a cycle
    /// (which validation reports) counts nothing instead of recursing forever.
    fragments: HashMap<&'a str, Option<Measure>>,
}

impl<'a> Walk<'a> {
    fn selection(&mut self, type_name: &str, set: &'a SelectionSet) -> Measure {
        let mut total = Measure::default();
        for item in &set.items {
            let measure = match &item.node {
                Selection::Field(field) => self.field(type_name, &field.node),
                Selection::InlineFragment(inline) => {
                    let on = inline.node.type_condition.as_ref().map_or(type_name, |c| c.node.on.node.as_str());
                    self.selection(on, &inline.node.selection_set.node)
                }
                Selection::FragmentSpread(spread) => self.fragment(spread.node.fragment_name.node.as_str()),
            };
            total = total.plus(measure);
        }
        total
    }

    fn fragment(&mut self, name: &'a str) -> Measure {
        match self.fragments.get(name) {
            Some(known) => return known.unwrap_or_default(),
            None => self.fragments.insert(name, None),
        };
        let Some(fragment) = self.document.fragments.get(name) else { return Measure::default() };
        let measure =
            self.selection(fragment.node.type_condition.node.on.node.as_str(), &fragment.node.selection_set.node);
        self.fragments.insert(name, Some(measure));
        measure
    }

    fn field(&mut self, parent: &str, field: &'a Field) -> Measure {
        let name = field.name.node.as_str();
        let ty = self.types.field(parent, name);
        let inner = self.selection(ty.map_or("", |t| t.named.as_str()), &field.selection_set.node);
        let times = match ty {
            Some(ty) if ty.paged => self.first(field),
            Some(ty) if ty.is_list() && field.get_argument("ids").is_some() => self.ids_given(field),
            // A connection's edges are the page its field already counted.
            Some(ty) if ty.is_list() && !parent.ends_with("Connection") => UNPAGED_LIST_LENGTH,
            _ => 1,
        };
        let own = if parent == self.types.query && QUESTIONS.contains(&name) { times * QUESTION_WEIGHT } else { 1 };
        Measure { fields: inner.fields.saturating_add(1), cost: own.saturating_add(times.saturating_mul(inner.cost)) }
    }

    /// The value of a field's argument, with variables put in.
    fn argument(&self, field: &Field, name: &str) -> Option<ConstValue> {
        field.get_argument(name).and_then(|argument| {
            let lookup = |name| Ok::<_, ()>(self.variables.get(&name).cloned().unwrap_or_default());
            argument.node.clone().into_const_with(lookup).ok()
        })
    }

    /// How many ids a list field that reads nodes by id (`nodes(ids: …)`) is given; one that
    /// cannot be read counts as the largest page.
    fn ids_given(&self, field: &Field) -> u64 {
        match self.argument(field, "ids") {
            Some(ConstValue::List(ids)) => ids.len() as u64,
            _ => MAX_FIRST as u64,
        }
    }

    /// The page size a field asks for; out-of-range values count as the largest page (the
    /// resolver refuses them anyway), a missing or null one as the default page.
    fn first(&self, field: &Field) -> u64 {
        match self.argument(field, "first") {
            None | Some(ConstValue::Null) => DEFAULT_FIRST as u64,
            Some(ConstValue::Number(n)) => {
                n.as_i64().map_or(MAX_FIRST as u64, |n| n.clamp(0, i64::from(MAX_FIRST)) as u64)
            }
            Some(_) => MAX_FIRST as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    const SDL: &str = "type Query { lotsen(first: Int): LotseConnection! recommendPeers(first: Int): [Peer!]! } \
        type LotseConnection { edges: [LotseEdge!]! } type LotseEdge { node: Lotse! } \
        type Lotse { name: String! topics: [Topic!]! } type Topic { lotsen(first: Int): LotseConnection! } \
        type Peer { score: Float! } schema { query: Query }";

    fn measure(query: &str, variables: &str) -> Result<Measure, Refusal> {
        measure_on(SDL, query, variables)
    }

    fn measure_on(sdl: &str, query: &str, variables: &str) -> Result<Measure, Refusal> {
        let types = TypeIndex::from_sdl(sdl);
        let document = parse_query(query).unwrap();
        let (_, operation) = document.operations.iter().next().unwrap();
        let variables = Variables::from_json(serde_json::from_str(variables).unwrap());
        check_operation(&document, &operation.node, &variables, &types, &Limits::default())
    }

    #[test]
    fn lists_weigh_their_page_through_nesting() {
        let flat = measure("{ lotsen(first: 30) { edges { node { name } } } }", "{}").unwrap();
        assert_eq!(flat, Measure { fields: 4, cost: 1 + 30 * 3 });
        let by_variable = measure("query($n: Int) { lotsen(first: $n) { edges { node { name } } } }", r#"{"n": 5}"#);
        assert_eq!(by_variable.unwrap().cost, 1 + 5 * 3);
        let defaulted = measure("{ lotsen { edges { node { name } } } }", "{}").unwrap();
        assert_eq!(defaulted.cost, 1 + DEFAULT_FIRST as u64 * 3);
        let fan_out =
            "{ lotsen(first: 30) { edges { node { topics { lotsen(first: 100) { edges { node { name } } } } } } } }";
        assert_eq!(measure(fan_out, "{}").unwrap_err().limit, "cost");
        assert_eq!(measure("{ recommendPeers(first: 10) { score } }", "{}").unwrap().cost, 10 * QUESTION_WEIGHT + 10);
    }

    #[test]
    fn fragments_count_as_expanded_without_being_walked_again() {
        let mut query = String::from("query { ...F0 }");
        for i in 0..40 {
            query.push_str(&format!(" fragment F{i} on Query {{ ...F{n} ...F{n} }}", n = i + 1));
        }
        query.push_str(" fragment F40 on Query { lotsen(first: 1) { edges { node { name } } } }");
        let refusal = measure(&query, "{}").unwrap_err();
        assert_eq!(refusal.limit, "fields");
        assert!(refusal.found >= 1 << 40);
    }

    #[test]
    fn the_readme_example_costs_what_the_readme_says() {
        let query = r#"{ recommendPeers(lotseId: "lotse-0001", first: 2) {
            lotse { name municipality { name } } score components { name value }
            similarProjects { mine { title } theirs { title } similarity }
            explanation { summary reasons { code } } } }"#;
        assert_eq!(measure_on(&crate::graphql::sdl(), query, "{}").unwrap().cost, 200);
    }

    #[test]
    fn search_and_introduction_paths_weigh_their_page() {
        let sdl = crate::graphql::sdl();
        let search = r#"{ search(query: "E-Akte", first: 5) { edges { cursor node { score node { ... on Project { title } } } } } }"#;
        // Per hit: the question's weight, plus edges, cursor, node, score, node and title.
        assert_eq!(measure_on(&sdl, search, "{}").unwrap().cost, 5 * QUESTION_WEIGHT + 5 * 6);
        let paths = r#"{ introductionPaths(toLotseId: "lotse-0002", first: 3) { summary steps { text } } }"#;
        assert_eq!(measure_on(&sdl, paths, "{}").unwrap().cost, 3 * QUESTION_WEIGHT + 3 * (1 + 1 + 10));
    }
}
