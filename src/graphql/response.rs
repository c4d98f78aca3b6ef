//! Makes an executed response what the GraphQL specification promises typed clients: fields
//! in the order they were requested, and an error nulling its field's nearest nullable
//! ancestor instead of leaving a hole.
//!
//! The executor resolves an object's fields concurrently and fills the object as they finish,
//! and drops the key of a field that failed, whatever its type. Both are repaired here from
//! the operation's selections and the schema's types.

use std::collections::HashSet;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql::{Name, PathSegment, Response, Value};

use super::types::TypeIndex;

/// The fields selected on a value: by response key in order of first appearance, each with
/// the selection sets of its sub-fields and the type they are selected on.
type Plan<'d> = Vec<(&'d str, Selections<'d>)>;
/// Selection sets that apply to one value, each with the type its fields are looked up in.
type Selections<'d> = Vec<(&'d str, &'d SelectionSet)>;

pub struct Shaper<'d> {
    pub document: &'d ExecutableDocument,
    pub types: &'d TypeIndex,
}

impl<'d> Shaper<'d> {
    /// Repairs an executed response of an operation on the root type `root`.
    pub fn shape(&self, response: &mut Response, root: &'d str, selection: &'d SelectionSet) {
        let root_sets = vec![(root, selection)];
        if !response.errors.is_empty() {
            if response.data == Value::Null {
                response.data = Value::Object(IndexMap::new());
            }
            let positions: Vec<_> = response
                .errors
                .iter()
                .filter(|e| !e.path.is_empty())
                .map(|e| self.materialise(&mut response.data, &e.path))
                .collect();
            for (error, end) in response.errors.iter().filter(|e| !e.path.is_empty()).zip(positions) {
                let non_null = self.non_null(&root_sets, &error.path[..end]);
                let nullable_end = non_null.iter().rposition(|n| !n).map_or(0, |i| i + 1);
                if nullable_end == 0 {
                    response.data = Value::Null;
                    break;
                }
                set_null(&mut response.data, &error.path[..nullable_end]);
            }
        }
        self.order(vec![&mut response.data], &root_sets);
    }

    /// Puts a null where a failed field's key is missing; returns how much of the path
    /// exists now. Objects that came back null because every field of theirs failed get
    /// their keys back; a list dropped because one item failed cannot be rebuilt, so the
    /// error then stands for the whole list.
    fn materialise(&self, data: &mut Value, path: &[PathSegment]) -> usize {
        let mut current = data;
        for (i, segment) in path.iter().enumerate() {
            current = match segment {
                PathSegment::Field(key) => {
                    if *current == Value::Null {
                        *current = Value::Object(IndexMap::new());
                    }
                    let Value::Object(map) = current else { return i };
                    if !map.contains_key(key.as_str()) {
                        map.insert(Name::new(key), Value::Null);
                        return i + 1;
                    }
                    map.get_mut(key.as_str()).expect("present")
                }
                PathSegment::Index(index) => match current {
                    Value::List(items) if *index < items.len() => &mut items[*index],
                    _ => return i,
                },
            };
        }
        path.len()
    }

    /// For each position of a path, whether the schema makes the value there non-null;
    /// unknown positions (introspection) count as nullable.
    fn non_null(&self, root: &Selections<'d>, path: &[PathSegment]) -> Vec<bool> {
        let mut flags = Vec::with_capacity(path.len());
        let mut sets = root.clone();
        let mut lists: &[bool] = &[];
        let mut known = true;
        for segment in path {
            let flag = match segment {
                PathSegment::Field(key) if known => {
                    let plan = self.plan(&sets);
                    let field = plan.into_iter().find(|(k, _)| k == key).map(|(_, sub)| sub);
                    match field.zip(self.field_type(&sets, key)) {
                        Some((sub, ty)) => {
                            sets = sub;
                            lists = &ty.items_non_null;
                            ty.non_null
                        }
                        None => {
                            known = false;
                            false
                        }
                    }
                }
                PathSegment::Index(_) if known && !lists.is_empty() => {
                    let flag = lists[0];
                    lists = &lists[1..];
                    flag
                }
                _ => {
                    known = false;
                    false
                }
            };
            flags.push(flag);
        }
        flags
    }

    fn field_type(&self, sets: &Selections<'d>, key: &str) -> Option<&'d super::types::FieldType> {
        let mut found = None;
        self.visit(sets, &mut HashSet::new(), &mut |on, field| {
            if found.is_none() && field.response_key().node == key {
                found = self.types.field(on, &field.name.node);
            }
        });
        found
    }

    /// Puts every object's keys in the order of the selections. All objects a selection
    /// applies to (the items of a list, of lists of lists) are done together, so each
    /// selection's plan is worked out once per response, not once per object.
    fn order(&self, values: Vec<&mut Value>, sets: &Selections<'d>) {
        let mut objects = Vec::new();
        for value in values {
            collect_objects(value, &mut objects);
        }
        if objects.is_empty() {
            return;
        }
        let plan = self.plan(sets);
        for object in &mut objects {
            put_in_order(object, &plan);
        }
        for (key, sub) in &plan {
            let children: Vec<&mut Value> = objects.iter_mut().filter_map(|object| object.get_mut(*key)).collect();
            if !children.is_empty() {
                self.order(children, sub);
            }
        }
    }

    /// The fields of selection sets by response key, in the order the specification's
    /// field collection gives, with fragments and inline fragments expanded.
    fn plan(&self, sets: &Selections<'d>) -> Plan<'d> {
        let mut plan: Plan<'d> = Vec::new();
        self.visit(sets, &mut HashSet::new(), &mut |on, field| {
            let key = field.response_key().node.as_str();
            let sub_type = self.types.field(on, &field.name.node).map_or("", |t| t.named.as_str());
            let sub = (sub_type, &field.selection_set.node);
            match plan.iter_mut().find(|(k, _)| *k == key) {
                Some((_, subs)) => subs.push(sub),
                None => plan.push((key, vec![sub])),
            }
        });
        plan
    }

    /// Calls `each` with every field of the selection sets and the type it is selected on,
    /// in document order, each fragment once.
    fn visit(
        &self,
        sets: &Selections<'d>,
        fragments: &mut HashSet<&'d str>,
        each: &mut impl FnMut(&'d str, &'d Field),
    ) {
        for (on, set) in sets {
            for item in &set.items {
                match &item.node {
                    Selection::Field(field) => each(on, &field.node),
                    Selection::InlineFragment(inline) => {
                        let on = inline.node.type_condition.as_ref().map_or(*on, |c| c.node.on.node.as_str());
                        self.visit(&vec![(on, &inline.node.selection_set.node)], fragments, each);
                    }
                    Selection::FragmentSpread(spread) => {
                        let name = spread.node.fragment_name.node.as_str();
                        let Some(fragment) = self.document.fragments.get(name) else { continue };
                        if fragments.insert(name) {
                            let on = fragment.node.type_condition.node.on.node.as_str();
                            self.visit(&vec![(on, &fragment.node.selection_set.node)], fragments, each);
                        }
                    }
                }
            }
        }
    }
}

/// The objects in a value: itself, or the items of its lists at any depth.
fn collect_objects<'v>(value: &'v mut Value, objects: &mut Vec<&'v mut IndexMap<Name, Value>>) {
    match value {
        Value::Object(map) => objects.push(map),
        Value::List(items) => items.iter_mut().for_each(|item| collect_objects(item, objects)),
        _ => {}
    }
}

/// Orders an object's keys as the plan does; keys the plan does not know go last. Objects
/// already in order (most, when fields resolve quickly) are left as they are.
fn put_in_order(object: &mut IndexMap<Name, Value>, plan: &Plan<'_>) {
    let rank = |key: &str| plan.iter().position(|(k, _)| *k == key).unwrap_or(usize::MAX);
    let mut ranks = object.keys().map(|key| rank(key.as_str()));
    let mut previous = 0;
    if ranks.all(|r| std::mem::replace(&mut previous, r) <= r) {
        return;
    }
    object.sort_by_cached_key(|key, _| rank(key.as_str()));
}

/// Sets the value at a path to null; nothing when an ancestor is already null.
fn set_null(data: &mut Value, path: &[PathSegment]) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut current = data;
    for segment in parents {
        current = match (segment, current) {
            (PathSegment::Field(key), Value::Object(map)) => match map.get_mut(key.as_str()) {
                Some(child) => child,
                None => return,
            },
            (PathSegment::Index(index), Value::List(items)) => match items.get_mut(*index) {
                Some(child) => child,
                None => return,
            },
            _ => return,
        };
    }
    match (last, current) {
        (PathSegment::Field(key), Value::Object(map)) => {
            map.insert(Name::new(key), Value::Null);
        }
        (PathSegment::Index(index), Value::List(items)) => {
            if let Some(item) = items.get_mut(*index) {
                *item = Value::Null;
            }
        }
        _ => {}
    }
}
