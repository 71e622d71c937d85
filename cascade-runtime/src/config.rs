//! TODO(skeleton): `config` is filled in by its issue.
