//! TODO(skeleton): `similarity` is filled in by its issue.
