//! The governance repository's files as data, parsed once with positions.

pub mod ballot;
pub mod council;
pub mod proposal;
pub mod record;
pub mod rules;
pub mod status;
pub mod tomlv;
