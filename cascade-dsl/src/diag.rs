//! TODO(skeleton): `diag` is filled in by its issue.
