//! The order of a list and the positions in it that cursors name.
//!
//! A list is ordered by one key of its nodes and then by id, so that nodes with the same key
//! (two Lotsen of the same name, municipalities without a population) still have one place.
//! A position is the key and the id of a node: a page continues after it even when that node
//! changed or went since. In id order the cursor is the plain id, as it always was; in every
//! other order it names the order too, and a cursor of another order is refused.

use std::cmp::Ordering;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::domain::{DomainError, Id, Node};

/// What a list is sorted by, before the id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    Id,
    /// Name, or a project's title: letters compared without case and umlauts first
    /// (`Ä` with `A`, `ß` as `ss`), then exactly.
    Name,
    /// A municipality's population; none comes first.
    Population,
    /// When the node was last written through the API; never comes first.
    UpdatedAt,
}

impl SortKey {
    fn name(self) -> &'static str {
        match self {
            Self::Id => "ID",
            Self::Name => "NAME",
            Self::Population => "POPULATION",
            Self::UpdatedAt => "UPDATED_AT",
        }
    }
}

/// The order of a list: by `key`, then by id, ascending unless `descending`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListOrder {
    pub key: SortKey,
    pub descending: bool,
}

/// A node's value of a sort key; a missing value sorts before every other.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortValue {
    Missing,
    Number(u64),
    /// The collation key, then the text itself.
    Text(String, String),
    Time(DateTime<Utc>),
}

impl SortValue {
    fn text(text: &str) -> Self {
        Self::Text(collate(text), text.to_owned())
    }

    fn to_json(&self) -> Value {
        match self {
            Self::Missing => Value::Null,
            Self::Number(n) => json!(n),
            Self::Text(_, text) => json!(text),
            Self::Time(at) => json!(crate::domain::stamp::text(at)),
        }
    }

    fn from_json(key: SortKey, value: &Value) -> Option<Self> {
        Some(match (key, value) {
            (_, Value::Null) => Self::Missing,
            (SortKey::Name, Value::String(text)) => Self::text(text),
            (SortKey::Population, Value::Number(n)) => Self::Number(n.as_u64()?),
            (SortKey::UpdatedAt, Value::String(at)) => {
                Self::Time(DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc))
            }
            _ => return None,
        })
    }
}

/// A place in an ordered list: the key and id of the node before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub value: SortValue,
    pub id: Id,
}

impl ListOrder {
    /// The value of this order's key for a node.
    pub fn value(&self, node: &Node, name: &str) -> SortValue {
        match self.key {
            SortKey::Id => SortValue::Missing,
            SortKey::Name => SortValue::text(name),
            SortKey::Population => match node {
                Node::Municipality(m) => m.population.map_or(SortValue::Missing, |p| SortValue::Number(p.into())),
                _ => SortValue::Missing,
            },
            SortKey::UpdatedAt => node.updated_at().map_or(SortValue::Missing, SortValue::Time),
        }
    }

    /// How two places compare in this order.
    pub fn compare(&self, a: (&SortValue, &Id), b: (&SortValue, &Id)) -> Ordering {
        let ascending = a.cmp(&b);
        if self.descending { ascending.reverse() } else { ascending }
    }

    fn name(&self) -> String {
        format!("{}_{}", self.key.name(), if self.descending { "DESC" } else { "ASC" })
    }

    /// The cursor of a place: the id in the default order, else the order, key and id.
    pub fn cursor(&self, position: &Position) -> String {
        if *self == Self::default() {
            return position.id.to_string();
        }
        let encoded = json!([self.name(), position.value.to_json(), position.id.as_str()]).to_string();
        format!("{CURSOR_MARK}{}", URL_SAFE_NO_PAD.encode(encoded))
    }

    /// The place a cursor names in this order; `field` names the argument in errors.
    pub fn parse_cursor(&self, field: &str, raw: &str) -> Result<Position, DomainError> {
        let invalid = || DomainError::invalid(field, "is not a valid cursor");
        let other_order = || DomainError::invalid(field, "is a cursor of another orderBy; ask again from the start");
        let Some(encoded) = raw.strip_prefix(CURSOR_MARK) else {
            if *self != Self::default() {
                return Err(if Id::parse_field(field, raw).is_ok() { other_order() } else { invalid() });
            }
            let id = Id::parse_field(field, raw).map_err(|_| invalid())?;
            return Ok(Position { value: SortValue::Missing, id });
        };
        let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| invalid())?;
        let Ok(Value::Array(parts)) = serde_json::from_slice::<Value>(&bytes) else { return Err(invalid()) };
        let [Value::String(order), value, Value::String(id)] = parts.as_slice() else { return Err(invalid()) };
        if order != &self.name() {
            return Err(other_order());
        }
        let value = SortValue::from_json(self.key, value).ok_or_else(invalid)?;
        Ok(Position { value, id: Id::parse_field(field, id).map_err(|_| invalid())? })
    }
}

/// Starts every cursor of an order other than by id; never part of an id.
const CURSOR_MARK: &str = "o~";

/// Letters without case and umlauts, so that German names sort as a reader expects.
fn collate(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => key.push('a'),
            'ö' => key.push('o'),
            'ü' => key.push('u'),
            'ß' => key.push_str("ss"),
            _ => key.push(c),
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: &str) -> Id {
        Id::parse_field("id", raw).unwrap()
    }

    #[test]
    fn names_sort_without_case_and_umlauts_then_exactly() {
        let mut names = ["Zell", "Überlingen", "ulm", "Ulm", "Aalen", "Äpfingen", "Straßberg", "Strasburg"];
        names.sort_by_key(|n| SortValue::text(n));
        assert_eq!(names, ["Aalen", "Äpfingen", "Strasburg", "Straßberg", "Überlingen", "Ulm", "ulm", "Zell"]);
    }

    #[test]
    fn a_cursor_names_its_order_and_is_refused_by_another() {
        let by_name = ListOrder { key: SortKey::Name, descending: true };
        let position = Position { value: SortValue::text("Müller: Ä~"), id: id("lotse-1") };
        let cursor = by_name.cursor(&position);
        assert_eq!(by_name.parse_cursor("after", &cursor).unwrap(), position);

        let ascending = ListOrder { key: SortKey::Name, descending: false };
        let refused = ascending.parse_cursor("after", &cursor).unwrap_err().to_string();
        assert!(refused.contains("another orderBy"), "{refused}");
        assert!(ListOrder::default().parse_cursor("after", &cursor).unwrap_err().to_string().contains("another"));
        assert!(by_name.parse_cursor("after", "lotse-1").unwrap_err().to_string().contains("another orderBy"));
        assert_eq!(ListOrder::default().cursor(&position), "lotse-1");
        assert!(by_name.parse_cursor("after", "o~bm90IGpzb24").is_err());
    }
}
