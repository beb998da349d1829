//! The `+++` front matter split: any text gives a range or a problem, and either one can be
//! sliced and located without a panic.
#![no_main]

use council::diag::Diagnostic;
use council::model::proposal::{FrontMatter, split_front_matter};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    match split_front_matter(src) {
        FrontMatter::Found { toml } => {
            assert!(toml.start <= toml.end && toml.end <= src.len());
            let _ = &src[toml.clone()];
            let _ = Diagnostic::at("front-matter", "p.md", src, toml, "found");
        }
        FrontMatter::Problem { message, span } => {
            assert!(span.start <= span.end && span.end <= src.len());
            let d = Diagnostic::at("front-matter", "p.md", src, span, message);
            assert!(d.line >= 1 && d.column >= 1);
        }
    }
});
