//! council: proposals, ballots and decisions of a small council, kept in a git repository.
//!
//! The library holds the model ([`model`]), the lints ([`lint`]), the count ([`tally`],
//! [`decision`]) and the commands ([`cmd`]); `main.rs` only calls [`cli::main_with`].

pub mod cli;
pub mod cmd;
pub mod decision;
pub mod diag;
pub mod emit;
pub mod git;
pub mod history;
pub mod lint;
pub mod manpage;
pub mod model;
pub mod render;
pub mod repo;
pub mod sign;
pub mod tally;
pub mod write;

use std::fmt;

/// How a command that ran ended: 0 success, 1 it found errors or refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    Failure = 1,
}

/// A change council refuses to make (exit code 1), as opposed to failing to run (exit code 2).
#[derive(Debug)]
pub struct Refusal(pub String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// Returns early with a [`Refusal`].
#[macro_export]
macro_rules! refuse {
    ($($arg:tt)*) => {
        return Err($crate::Refusal(format!($($arg)*)).into())
    };
}
