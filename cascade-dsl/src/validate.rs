//! TODO(skeleton): `validate` is filled in by its issue.
