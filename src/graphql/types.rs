//! What the checks around the executor need to know of the schema's types: for each field of
//! each object, interface and union, its type (list, nullability) and whether it pages with
//! `first`. Read once from the SDL the schema prints, so it cannot drift from the schema.

use std::collections::HashMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

/// The type of one field.
#[derive(Debug, Clone)]
pub struct FieldType {
    /// The named type inside any lists.
    pub named: String,
    /// The field's own type is non-null (`T!`).
    pub non_null: bool,
    /// Nullability of each list level, outermost first: `[[T!]]!` is a list whose items are
    /// nullable lists of non-null items; empty when the field is not a list.
    pub items_non_null: Vec<bool>,
    /// The field takes a `first` argument (a page of a list).
    pub paged: bool,
}

impl FieldType {
    fn new(ty: &Type, paged: bool) -> Self {
        let mut items_non_null = Vec::new();
        let mut current = ty;
        while let BaseType::List(item) = &current.base {
            items_non_null.push(!item.nullable);
            current = item;
        }
        let BaseType::Named(named) = &current.base else { unreachable!("lists end in a named type") };
        Self { named: named.to_string(), non_null: !ty.nullable, items_non_null, paged }
    }

    pub fn is_list(&self) -> bool {
        !self.items_non_null.is_empty()
    }
}

/// Fields by type name and field name.
#[derive(Debug, Default)]
pub struct TypeIndex {
    fields: HashMap<String, HashMap<String, FieldType>>,
    /// Members of unions: a field selected on a union is looked up in them.
    unions: HashMap<String, Vec<String>>,
    pub query: String,
    pub mutation: String,
    pub subscription: String,
}

impl TypeIndex {
    /// The index of a schema's SDL; panics when the SDL does not parse, which only a bug in
    /// the schema library could cause (the SDL is printed by it, never supplied from outside).
    pub fn from_sdl(sdl: &str) -> Self {
        let document = parse_schema(sdl).expect("the schema's own SDL parses");
        let mut index = Self {
            query: "Query".into(),
            mutation: "Mutation".into(),
            subscription: "Subscription".into(),
            ..Self::default()
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(query) = &schema.node.query {
                        index.query = query.node.to_string();
                    }
                    if let Some(mutation) = &schema.node.mutation {
                        index.mutation = mutation.node.to_string();
                    }
                    if let Some(subscription) = &schema.node.subscription {
                        index.subscription = subscription.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(ty) => {
                    let name = ty.node.name.node.to_string();
                    let fields = match &ty.node.kind {
                        TypeKind::Object(object) => &object.fields,
                        TypeKind::Interface(interface) => &interface.fields,
                        TypeKind::Union(union) => {
                            index.unions.insert(name, union.members.iter().map(|m| m.node.to_string()).collect());
                            continue;
                        }
                        _ => continue,
                    };
                    let fields = fields
                        .iter()
                        .map(|field| {
                            let paged = field.node.arguments.iter().any(|a| a.node.name.node == "first");
                            (field.node.name.node.to_string(), FieldType::new(&field.node.ty.node, paged))
                        })
                        .collect();
                    index.fields.insert(name, fields);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        index
    }

    /// The type of a field of a type; `None` for introspection fields and unknown names
    /// (which validation reports).
    pub fn field(&self, type_name: &str, field: &str) -> Option<&FieldType> {
        if let Some(found) = self.fields.get(type_name).and_then(|fields| fields.get(field)) {
            return Some(found);
        }
        let members = self.unions.get(type_name)?;
        members.iter().find_map(|member| self.fields.get(member)?.get(field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lists_nullability_and_paging() {
        let index = TypeIndex::from_sdl(
            "type Query { a(first: Int): [B!]! b: B } type B { c: [[Int]!] } union U = B \
             schema { query: Query }",
        );
        let a = index.field("Query", "a").unwrap();
        assert!(a.non_null && a.paged && a.is_list());
        assert_eq!((a.named.as_str(), a.items_non_null.as_slice()), ("B", &[true][..]));
        let c = index.field("U", "c").unwrap();
        assert!(!c.non_null && !c.paged);
        assert_eq!(c.items_non_null, vec![true, false]);
        assert!(index.field("Query", "__schema").is_none());
    }
}
