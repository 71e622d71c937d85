//! TODO(skeleton): `matching` is filled in by its issue.
