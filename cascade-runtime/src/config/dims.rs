//! Dimension tables are keyed by dimension count; JSON and TOML keys are strings, so keys are
//! written as strings (`"256"`) and read back as numbers, with an error naming a bad key.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{DeserializeSeed, Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Threshold;

fn parse_key<E: serde::de::Error>(key: &str) -> Result<u32, E> {
    key.parse::<u32>().map_err(|_| {
        E::custom(format!(
            "dimension key `{key}` must be a whole number of dimensions, like \"256\""
        ))
    })
}

fn to_strings(table: &BTreeMap<u32, Threshold>) -> BTreeMap<String, Threshold> {
    table.iter().map(|(d, t)| (d.to_string(), *t)).collect()
}

/// One dimension table, read entry by entry: an error about an entry (a key that is not a
/// number, a threshold out of range, a dimension given twice) is raised while its value is read,
/// so its key path ends with the entry's key, and the other entries can be reported too.
struct Table;

impl<'de> Visitor<'de> for Table {
    type Value = BTreeMap<u32, Threshold>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table of dimension counts to thresholds, like { \"256\": 0.76 }")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let (dims, threshold) = map.next_value_seed(Entry {
                key: &key,
                seen: &out,
            })?;
            out.insert(dims, threshold);
        }
        Ok(out)
    }
}

/// The value of the table entry `key`, checked with its key.
struct Entry<'a> {
    key: &'a str,
    seen: &'a BTreeMap<u32, Threshold>,
}

impl<'de> DeserializeSeed<'de> for Entry<'_> {
    type Value = (u32, Threshold);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let threshold = Threshold::deserialize(d);
        let dims = parse_key::<D::Error>(self.key);
        let (threshold, dims) = match (threshold, dims) {
            (Ok(threshold), Ok(dims)) => (threshold, dims),
            // Both wrong: one error saying both.
            (Err(value), Err(key)) => {
                return Err(D::Error::custom(format!("{key}; and its value: {value}")));
            }
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        if self.seen.contains_key(&dims) {
            return Err(D::Error::custom(format!(
                "dimension `{dims}` is given twice; keep one"
            )));
        }
        Ok((dims, threshold))
    }
}

/// The per-type tables, each read as a [`Table`]; a type given twice is an error.
struct Tables;

impl<'de> Visitor<'de> for Tables {
    type Value = BTreeMap<String, BTreeMap<u32, Threshold>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table of type names to dimension tables")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(name) = map.next_key::<String>()? {
            let table = map.next_value_seed(TableOf {
                name: &name,
                seen: &out,
            })?;
            out.insert(name, table);
        }
        Ok(out)
    }
}

/// The table of type `name`.
struct TableOf<'a> {
    name: &'a str,
    seen: &'a BTreeMap<String, BTreeMap<u32, Threshold>>,
}

impl<'de> DeserializeSeed<'de> for TableOf<'_> {
    type Value = BTreeMap<u32, Threshold>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let table = d.deserialize_map(Table)?;
        if self.seen.contains_key(self.name) {
            return Err(D::Error::custom(format!(
                "`{}` is given twice; keep one",
                self.name
            )));
        }
        Ok(table)
    }
}

pub(super) mod map {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        table: &BTreeMap<u32, Threshold>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        to_strings(table).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<u32, Threshold>, D::Error> {
        d.deserialize_map(Table)
    }
}

pub(super) mod nested {
    use super::*;

    type Nested = BTreeMap<String, BTreeMap<u32, Threshold>>;

    pub(crate) fn serialize<S: Serializer>(tables: &Nested, s: S) -> Result<S::Ok, S::Error> {
        let out: BTreeMap<&String, BTreeMap<String, Threshold>> = tables
            .iter()
            .map(|(t, table)| (t, to_strings(table)))
            .collect();
        out.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Nested, D::Error> {
        d.deserialize_map(Tables)
    }
}
