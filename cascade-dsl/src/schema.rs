//! TODO(skeleton): `schema` is filled in by its issue.
