//! TODO(skeleton): `confidence` is filled in by its issue.
