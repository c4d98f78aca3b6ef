//! When a node was last written through the API (`updatedAt`), kept to the microsecond and
//! stored with a fixed number of digits, so that stored values sort as text in time order
//! (the Neo4j store compares them as strings).

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serializer};

const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// Now, to the precision stored.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The stored text of a time.
pub fn text(at: &DateTime<Utc>) -> String {
    at.format(FORMAT).to_string()
}

pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serializer.serialize_some(&text(at)),
        None => serializer.serialize_none(),
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let raw: Option<String> = Option::deserialize(deserializer)?;
    raw.map(|r| DateTime::parse_from_rfc3339(&r).map(|t| t.with_timezone(&Utc)).map_err(serde::de::Error::custom))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_sort_as_text_in_time_order() {
        let earlier = DateTime::parse_from_rfc3339("2026-01-01T10:00:00Z").unwrap().with_timezone(&Utc);
        let later = DateTime::parse_from_rfc3339("2026-01-01T10:00:00.5Z").unwrap().with_timezone(&Utc);
        assert!(text(&earlier) < text(&later), "{} {}", text(&earlier), text(&later));
    }
}
