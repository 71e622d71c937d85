//! TODO(skeleton): `build` is filled in by its issue.
