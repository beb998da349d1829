//! A proposal file: parsed and checked on its own (every single-file rule), as `check` and
//! `status` do.
#![no_main]

use council::lint::check_one;
use council::repo::Repo;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    let repo = Repo {
        root: "/nonexistent/council-fuzz".into(),
        ..Repo::default()
    };
    // The full parse (markdown too) happens inside check_one; this is the history checks' one.
    let p = council::model::proposal::Proposal::parse_front_matter(
        "proposals/0007-x.md",
        src.to_owned(),
    );
    if let Some(p) = p {
        let _ = (p.body(), p.decision(), p.option(), p.title_str());
        let _ = (p.status_value(), p.is_process_in_force(), p.is_accepted());
    }
    for d in check_one(&repo, "proposals/0007-x.md", src.to_owned()) {
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
    }
});
