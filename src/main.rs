//! The `council` binary: everything lives in the library.

fn main() {
    std::process::exit(council::cli::main_with(std::env::args_os()));
}
