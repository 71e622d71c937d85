//! TODO(skeleton): `feedback` is filled in by its issue.
