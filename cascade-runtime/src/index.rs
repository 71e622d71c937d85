//! TODO(skeleton): `index` is filled in by its issue.
