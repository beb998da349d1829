//! The examples in README.md and docs/*.md, run: every ```console block is a trycmd case (`$ `
//! a command, then what it prints; `...` skips lines, `[..]` part of one; `? 1` an exit code).
//! Each file's blocks run in order, in a fresh copy of this repository's worked example
//! (council.toml, proposals/, decisions/, votes/), with a fixed clock and ada as git's user, so
//! a tour may write files and later blocks see them. What the docs show is what council prints.
//!
//! After changing council's output: `TRYCMD=overwrite cargo test --test docs`, then read the
//! diff of the docs.

use std::path::Path;

/// The documents whose examples run: README.md and every page in docs/ and docs/rules/.
fn documents() -> Vec<String> {
    let mut all = vec!["README.md".to_owned()];
    for dir in ["docs", "docs/rules"] {
        for e in std::fs::read_dir(dir).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".md") {
                all.push(format!("{dir}/{name}"));
            }
        }
    }
    all.sort();
    all
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn the_examples_in_the_docs_run() {
    let overwrite = std::env::var_os("TRYCMD").is_some_and(|v| v == "overwrite");
    let work = tempfile::tempdir().unwrap();
    let cases = trycmd::TestCases::new();
    cases
        .env("COUNCIL_NOW", "2026-12-01T09:00:00Z")
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.org");
    let mut names = Vec::new();
    for doc in documents() {
        // A copy of the document beside its own copy of the example (trycmd's `NAME.in`).
        let name = doc.replace('/', "-");
        std::fs::copy(&doc, work.path().join(&name)).unwrap();
        let fixture = work.path().join(name.replace(".md", ".in"));
        std::fs::create_dir_all(&fixture).unwrap();
        std::fs::copy("council.toml", fixture.join("council.toml")).unwrap();
        for dir in ["proposals", "decisions", "votes"] {
            copy_dir(Path::new(dir), &fixture.join(dir));
        }
        cases.case(work.path().join(&name));
        names.push((doc, name));
    }
    cases.run();
    drop(cases);
    if overwrite {
        for (doc, name) in names {
            std::fs::copy(work.path().join(name), doc).unwrap();
        }
    }
}
