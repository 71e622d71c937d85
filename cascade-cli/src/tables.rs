//! Runtime tables ([`cascade_runtime::table`]) for a schema read at run time, so the commands
//! resolve thresholds with the runtime's own precedence instead of re-deriving it.
//!
//! The runtime's tables are `'static` (they are what the code generator emits as literals). A
//! one-shot command builds them once from the file it read and leaks them on purpose: a few
//! kilobytes, freed when the process exits.

use std::collections::HashMap;

use cascade_dsl::model::{EntityType, Schema as Model};
use cascade_runtime::table::{
    FieldTable, Schema, TargetTable, TypeTable, Written, build_index_vec,
};
use cascade_runtime::{Strategy, Threshold};

/// The owner of an isolated reference; `<` keeps it from ever naming a config `Owner.field` key.
const ISOLATED_OWNER: &str = "<query>";
/// The field of an isolated reference.
const ISOLATED_FIELD: &str = "<reference>";

/// Runtime tables for a validated model, as the code generator would emit them: types and
/// fields sorted by name, target thresholds and strategies copied into each member, the schema
/// default copied into each type, and the hash index. Leaked: see the module docs.
/// A type threshold says which key held it (`T.$threshold` or `T.$config.threshold`).
pub(crate) fn leak_schema(model: &Model) -> &'static Schema {
    let default = written(model.default, || "$config.default".to_owned());
    // What a reference to each type copies from it (table.rs: `type_threshold`, `strategy`).
    let copied: HashMap<&str, (Option<Written>, Option<Strategy>)> = model
        .types
        .iter()
        .map(|ty| (ty.name.as_str(), (type_threshold(ty), ty.strategy)))
        .collect();
    let mut sorted: Vec<&EntityType> = model.types.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let types: Vec<TypeTable> = sorted
        .iter()
        .map(|ty| {
            let mut fields: Vec<FieldTable> = ty
                .fields
                .iter()
                .map(|f| {
                    let def = f.def();
                    let targets: Vec<TargetTable> = def
                        .targets
                        .iter()
                        .map(|t| {
                            let (type_threshold, strategy) = copied
                                .get(t.name.value.as_str())
                                .copied()
                                .unwrap_or_default();
                            TargetTable {
                                type_name: leak_str(t.name.value.to_string()),
                                threshold: written(t.threshold.as_ref().map(|s| s.value), || {
                                    format!("{}.{}", ty.name, f.name)
                                }),
                                type_threshold,
                                strategy,
                            }
                        })
                        .collect();
                    FieldTable {
                        name: leak_str(f.name.to_string()),
                        operator: def.operator.as_ref().map(|op| op.value),
                        array: def.array,
                        optional: def.optional,
                        targets: leak_slice(targets),
                    }
                })
                .collect();
            fields.sort_by(|a, b| a.name.cmp(b.name));
            let (threshold, strategy) = copied
                .get(ty.name.as_str())
                .copied()
                .expect("every type of the model was copied above");
            TypeTable {
                name: leak_str(ty.name.to_string()),
                fields: leak_slice(fields),
                fuzzy_threshold: written(ty.fuzzy_threshold, || {
                    format!("{}.$fuzzyThreshold", ty.name)
                }),
                schema_default: default,
                threshold,
                strategy,
            }
        })
        .collect();
    let types = leak_slice(types);
    let index = leak_slice(build_index_vec(types));
    leak(Schema {
        default,
        types,
        index,
    })
}

/// A reference that no schema field declares: a `cascade match` query, or "references to `T`"
/// in `cascade calibrate`. Its owner has no fields and no `$fuzzyThreshold`, so only the type
/// layers and the schema default apply (DESIGN §4).
pub(crate) struct Isolated {
    tables: Option<&'static Schema>,
    owner: &'static TypeTable,
}

impl Isolated {
    /// Isolated references resolved against `tables` (`None`: no schema, so only the config and
    /// the built-in default apply).
    pub(crate) fn new(tables: Option<&'static Schema>) -> Isolated {
        let owner = leak(TypeTable {
            name: ISOLATED_OWNER,
            fields: &[],
            fuzzy_threshold: None,
            schema_default: tables.and_then(|t| t.default),
            threshold: None,
            strategy: None,
        });
        Isolated { tables, owner }
    }

    /// The owner every isolated reference hangs off.
    pub(crate) fn owner(&self) -> &'static TypeTable {
        self.owner
    }

    /// The field of a reference to `type_name` and its one member, with the type threshold and
    /// strategy copied from the type; `None` when there are tables and they lack the type.
    pub(crate) fn reference(
        &self,
        type_name: &str,
    ) -> Option<(&'static FieldTable, &'static TargetTable)> {
        let ty = match self.tables {
            Some(tables) => Some(tables.find_type(type_name)?),
            None => None,
        };
        let target = leak(TargetTable {
            type_name: leak_str(type_name.to_owned()),
            threshold: None,
            type_threshold: ty.and_then(|t| t.threshold),
            strategy: ty.and_then(|t| t.strategy),
        });
        let field = leak(FieldTable {
            name: ISOLATED_FIELD,
            operator: None,
            array: false,
            optional: false,
            targets: std::slice::from_ref(target),
        });
        Some((field, target))
    }
}

/// A value leaked for the rest of the process (see the module docs).
pub(crate) fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn leak_slice<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

fn leak_str(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn written(value: Option<Threshold>, at: impl FnOnce() -> String) -> Option<Written> {
    value.map(|value| Written {
        value,
        at: leak_str(at()),
    })
}

/// `ty`'s own threshold, written at `T.$threshold` or `T.$config.threshold`.
fn type_threshold(ty: &EntityType) -> Option<Written> {
    written(ty.threshold, || {
        format!("{}.{}", ty.name, ty.threshold_key.as_str())
    })
}

#[cfg(test)]
mod tests {
    use cascade_runtime::Layer;

    use super::*;

    #[test]
    fn leaked_tables_pass_the_generator_checks() {
        let model = cascade_dsl::check(
            "{ $config: { default: 0.7 }, B: { $threshold: 0.9, x: '~>A|B(0.5)' },
               A: { $config: { thresholdStrategy: 'adaptive' }, $fuzzyThreshold: 0.6, z: 'string', y: '<~B' } }",
        )
        .unwrap();
        let s = leak_schema(&model);
        assert_eq!(s.check(), Ok(()));
        let r = s.resolve_member("B", "x", "B").unwrap();
        assert_eq!((r.value, r.layer, r.at), (0.5, Layer::SchemaField, "B.x"));
        let r = s.resolve("A", "y").unwrap();
        assert_eq!(
            (r.value, r.layer, r.at),
            (0.9, Layer::SchemaType, "B.$threshold")
        );
        let r = s.resolve("B", "x").unwrap();
        assert_eq!(
            (r.value, r.layer, r.strategy),
            (0.7, Layer::SchemaDefault, Strategy::Adaptive)
        );
    }

    #[test]
    fn threshold_keys_say_where_they_were_written() {
        // Comments that look like keys must not fool it (the key comes from the parser).
        let src = "{ A: { $config: { 'threshold': /* $threshold */ 0.7 } },
                     B: { \"$threshold\" : // threshold:
                          0.8 }, C: { x: '~>A|B' } }";
        let model = cascade_dsl::check(src).unwrap();
        let s = leak_schema(&model);
        let at: Vec<&str> = s.find_type("C").unwrap().fields[0]
            .targets
            .iter()
            .map(|t| t.type_threshold.unwrap().at)
            .collect();
        assert_eq!(at, ["A.$config.threshold", "B.$threshold"]);
    }

    #[test]
    fn isolated_references_use_the_type_layers_then_the_schema_default() {
        let src = "{ $config: { default: 0.7 }, A: { $threshold: 0.9, $fuzzyThreshold: 0.6 },
                    B: { $config: { thresholdStrategy: 'adaptive' } } }";
        let model = cascade_dsl::check(src).unwrap();
        let isolated = Isolated::new(Some(leak_schema(&model)));
        let resolve = |name: &str| {
            let (field, target) = isolated.reference(name).unwrap();
            assert_eq!(field.targets, std::slice::from_ref(target));
            isolated.owner().resolve_target(target)
        };
        let a = resolve("A");
        assert_eq!(
            (a.value, a.layer, a.at),
            (0.9, Layer::SchemaType, "A.$threshold")
        );
        let b = resolve("B");
        assert_eq!(
            (b.value, b.layer, b.strategy),
            (0.7, Layer::SchemaDefault, Strategy::Adaptive)
        );
        assert!(isolated.reference("C").is_none());

        let bare = Isolated::new(None);
        let (_, target) = bare.reference("C").unwrap();
        let c = bare.owner().resolve_target(target);
        assert_eq!((c.value, c.layer), (0.8, Layer::Builtin));
    }
}
