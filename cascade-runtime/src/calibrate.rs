//! TODO(skeleton): `calibrate` is filled in by its issue.
