//! TODO(skeleton): `explain` is filled in by its issue.
