//! TODO(skeleton): `resolve` is filled in by its issue.
