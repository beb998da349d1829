//! One module per command. Each takes the context, an output and its arguments.

pub mod audit;
pub mod check;
pub mod close;
pub mod edit;
pub mod init;
pub mod list;
pub mod new;
pub mod open;
pub mod show;
pub mod status;
pub mod tally;
pub mod vote;
