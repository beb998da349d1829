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

/// An error about a place in a file, as data: shown as `file:line:column: message`, and found
/// again by `--format json|github` (the `cannot-run` finding points there), whatever context
/// the error gathers on its way up.
#[derive(Debug, Clone)]
pub struct Located {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Located {
    /// The error a finding makes, its message followed by `hint`.
    pub fn of(d: &diag::Diagnostic, hint: &str) -> Located {
        Located {
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: format!("{}{hint}", d.message),
        }
    }

    /// The same place, with `hint` added to the message.
    pub fn hinted(mut self, hint: &str) -> Located {
        self.message.push_str(hint);
        self
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for Located {}

/// Returns early with a [`Refusal`].
#[macro_export]
macro_rules! refuse {
    ($($arg:tt)*) => {
        return Err($crate::Refusal(format!($($arg)*)).into())
    };
}
