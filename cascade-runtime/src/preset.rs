//! TODO(skeleton): `preset` is filled in by its issue.
