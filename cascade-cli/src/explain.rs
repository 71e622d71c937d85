//! TODO(skeleton): `explain` is filled in by its issue.

/// Arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> u8 {
    eprintln!("error: not implemented yet");
    1
}
