//! TODO(skeleton): `codegen` is filled in by its issue.
