//! TODO(skeleton): `adjust` is filled in by its issue.
