//! Validated domain values: each is built once at the edge by `parse` and trusted afterwards.

use std::fmt;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::DomainError;

/// Longest identifier accepted; ids travel in URLs, cursors and logs.
const MAX_ID_LEN: usize = 64;
const MAX_NAME_LEN: usize = 200;
const MAX_TEXT_LEN: usize = 5_000;

macro_rules! string_value {
    ($(#[$doc:meta])* $name:ident, $parse:expr) => {
        string_value!($(#[$doc])* $name, String, $parse);
    };
    ($(#[$doc:meta])* $name:ident, $repr:ty, $parse:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name($repr);

        impl $name {
            /// Parses the value from user input, naming `field` in the error.
            pub fn parse_field(field: &str, raw: &str) -> Result<Self, DomainError> {
                let check: fn(&str) -> Result<String, String> = $parse;
                check(raw).map(|value| Self(value.into())).map_err(|reason| DomainError::invalid(field, reason))
            }

            pub fn as_str(&self) -> &str {
                self.0.as_ref()
            }
        }

        impl TryFrom<String> for $name {
            type Error = DomainError;
            /// Used when reading stored or imported records, whose reader names the field.
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse_field("", &raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0.into()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

string_value!(
    /// Identifier of any node: 1–64 characters of `A-Z a-z 0-9 _ - . :`. Ids are keys of
    /// every index of the graph and copied often: the usual ones (up to 24 bytes) are kept
    /// inline, without an allocation of their own.
    Id,
    CompactString,
    |raw| {
        if raw.is_empty() || raw.len() > MAX_ID_LEN {
            return Err(format!("must be 1 to {MAX_ID_LEN} characters long"));
        }
        if !raw.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')) {
            return Err("may only contain letters, digits, '_', '-', '.' and ':'".into());
        }
        Ok(raw.to_owned())
    }
);

string_value!(
    /// A person's, place's or thing's name: trimmed, not empty, at most 200 characters.
    Name,
    |raw| bounded_text(raw, MAX_NAME_LEN, false)
);

string_value!(
    /// Free text such as a project description: at most 5,000 characters, may be empty.
    Text,
    |raw| bounded_text(raw, MAX_TEXT_LEN, true)
);

string_value!(
    /// Amtlicher Gemeindeschlüssel: exactly eight digits (Land, Regierungsbezirk, Kreis, Gemeinde).
    Ags,
    |raw| {
        let raw = raw.trim();
        if raw.len() == 8 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(raw.to_owned())
        } else {
            Err("must be exactly 8 digits (Amtlicher Gemeindeschlüssel)".into())
        }
    }
);

string_value!(
    /// E-mail address: one `@` with text on both sides, no spaces, at most 254 characters.
    Email,
    |raw| {
        let raw = raw.trim();
        let valid = raw.len() <= 254
            && !raw.contains(char::is_whitespace)
            && raw.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !domain.contains('@')
            });
        if valid { Ok(raw.to_owned()) } else { Err("is not a valid e-mail address".into()) }
    }
);

string_value!(
    /// Telephone number: digits with optional `+`, spaces, `-`, `/`, `(`, `)`; 3–40 characters.
    Phone,
    |raw| {
        let raw = raw.trim();
        let valid = (3..=40).contains(&raw.len())
            && raw.chars().any(|c| c.is_ascii_digit())
            && raw.chars().all(|c| c.is_ascii_digit() || " +-/()".contains(c));
        if valid { Ok(raw.to_owned()) } else { Err("is not a valid telephone number".into()) }
    }
);

fn bounded_text(raw: &str, max: usize, may_be_empty: bool) -> Result<String, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() && !may_be_empty {
        return Err("must not be empty".into());
    }
    if trimmed.chars().count() > max {
        return Err(format!("must be at most {max} characters long"));
    }
    Ok(trimmed.to_owned())
}

/// Geographic position in WGS 84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawCoordinates")]
pub struct Coordinates {
    lat: f64,
    lon: f64,
}

/// Coordinates as they arrive, before their ranges are checked.
#[derive(Deserialize)]
struct RawCoordinates {
    lat: f64,
    lon: f64,
}

impl TryFrom<RawCoordinates> for Coordinates {
    type Error = DomainError;
    fn try_from(raw: RawCoordinates) -> Result<Self, DomainError> {
        Coordinates::parse(raw.lat, raw.lon)
    }
}

impl Coordinates {
    pub fn parse(lat: f64, lon: f64) -> Result<Self, DomainError> {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(DomainError::invalid("lat", "must be between -90 and 90"));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(DomainError::invalid("lon", "must be between -180 and 180"));
        }
        Ok(Self { lat, lon })
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// Great-circle distance in kilometres (haversine).
    pub fn distance_km(&self, other: &Coordinates) -> f64 {
        self.prepared().distance_km(&other.prepared())
    }

    /// The position with the parts of the distance formula that depend on it alone worked
    /// out, for places whose distances are taken again and again.
    pub fn prepared(&self) -> PreparedCoordinates {
        let lat = self.lat.to_radians();
        PreparedCoordinates { lat, cos_lat: lat.cos(), lon: self.lon }
    }
}

/// [`Coordinates`] ready for many distances: latitude in radians with its cosine, longitude in
/// degrees. Distances come out bit for bit as from [`Coordinates::distance_km`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PreparedCoordinates {
    lat: f64,
    cos_lat: f64,
    lon: f64,
}

impl PreparedCoordinates {
    /// Great-circle distance in kilometres (haversine).
    pub fn distance_km(&self, other: &PreparedCoordinates) -> f64 {
        const EARTH_RADIUS_KM: f64 = 6_371.0;
        let dlat = other.lat - self.lat;
        let dlon = (other.lon - self.lon).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + self.cos_lat * other.cos_lat * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }
}

/// Checks a population count given as a signed GraphQL integer.
pub fn parse_population(raw: i64) -> Result<u32, DomainError> {
    u32::try_from(raw).map_err(|_| DomainError::invalid("population", "must be between 0 and 4294967295"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ags_needs_eight_digits() {
        assert!(Ags::parse_field("ags", "08111000").is_ok());
        assert!(Ags::parse_field("ags", "0811100").is_err());
        assert!(Ags::parse_field("ags", "0811100x").is_err());
    }

    #[test]
    fn ids_reject_spaces_and_quotes() {
        assert!(Id::parse_field("id", "lotse-0001").is_ok());
        assert!(Id::parse_field("id", "a b").is_err());
        assert!(Id::parse_field("id", "\"})").is_err());
        assert!(Id::parse_field("id", "").is_err());
    }

    #[test]
    fn names_are_trimmed_and_not_empty() {
        assert_eq!(Name::parse_field("name", "  Ulm ").unwrap().as_str(), "Ulm");
        assert!(Name::parse_field("name", "   ").is_err());
    }

    #[test]
    fn distance_stuttgart_ulm_is_about_75_km() {
        let stuttgart = Coordinates::parse(48.7758, 9.1829).unwrap();
        let ulm = Coordinates::parse(48.4011, 9.9876).unwrap();
        let d = stuttgart.distance_km(&ulm);
        assert!((65.0..80.0).contains(&d), "{d}");
    }
}
