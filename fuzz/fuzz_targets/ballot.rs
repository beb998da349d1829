//! A ballot file (and the same text as a casting vote): parsed, and its preference taken both
//! for a one-proposal decision and for a ranked one.
#![no_main]

use council::model::ballot::{BallotFile, Casting};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    let (b, diags) = BallotFile::parse("votes/d/ada.toml", "d", "ada", src.to_owned());
    for d in &diags {
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
    }
    if let Some(ballot) = &b.ballot {
        let _ = ballot.preference(Some("0007"));
        let _ = ballot.preference(None);
    }
    let _ = Casting::parse("votes/d/casting.toml", "d", src.to_owned());
});
