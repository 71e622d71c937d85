//! Dimension tables are keyed by dimension count; JSON and TOML keys are strings, so keys are
//! written as strings (`"256"`) and read back as numbers, with an error naming a bad key.

use std::collections::BTreeMap;

use serde::de::Error as _;
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

fn from_strings<E: serde::de::Error>(
    raw: BTreeMap<String, Threshold>,
) -> Result<BTreeMap<u32, Threshold>, E> {
    raw.into_iter()
        .map(|(k, t)| Ok((parse_key::<E>(&k)?, t)))
        .collect()
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
        from_strings(BTreeMap::<String, Threshold>::deserialize(d)?)
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
        let raw = BTreeMap::<String, BTreeMap<String, Threshold>>::deserialize(d)?;
        raw.into_iter()
            .map(|(t, table)| {
                from_strings::<D::Error>(table)
                    .map(|table| (t.clone(), table))
                    .map_err(|e| D::Error::custom(format!("in the table of `{t}`: {e}")))
            })
            .collect()
    }
}
