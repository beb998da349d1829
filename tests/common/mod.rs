//! Shared test fixtures: a valid governance repository in a temp directory, built from text.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// Every file under `dir` (folders are not compared: git does not see an empty one), by its
/// `/`-separated path relative to `dir`, with its bytes.
#[allow(dead_code)] // not every test file compares trees
pub fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// The fixed clock of the tests.
pub const NOW: &str = "2026-12-10T12:00:00Z";

pub const COUNCIL: &str = r#"name = "Test Council"
process = 1
chair = "ada"

[[delegate]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.org"

[[delegate]]
id = "bob"
name = "Bob Builder"
email = "bob@example.org"

[[delegate]]
id = "cy"
name = "Cy Young"
email = "cy@example.org"
"#;

pub const PROCESS: &str = r#"+++
id = 1
title = "How we decide"
authors = ["Ada Lovelace <ada@example.org>"]
status = "Active"
type = "process"
created = 2026-01-01
discussions-to = "https://discuss.example.org/t/1"
resolution = "https://discuss.example.org/t/1/9"

[rules]
quorum = 0
min-ballots = "majority"
+++

## Abstract

A.

## Motivation

M.

## Specification

S.
"#;

/// A valid standards proposal in Discussion (id 2, topic lockfile).
pub const STANDARDS: &str = r#"+++
id = 2
title = "A standard lockfile format"
authors = ["Ada Lovelace <ada@example.org>", "Grace Hopper"]
status = "Discussion"
type = "standards"
topic = "lockfile"
created = 2026-11-20
discussions-to = "https://discuss.example.org/t/123"
+++

## Abstract

Text.

## Motivation

Text.

## Rationale

Text.

## Specification

Text.

## Backwards Compatibility

Text.

## Security Implications

Text.

## Reference Implementation

Text.

## Rejected Ideas

Text.
"#;

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// council.toml, the process document and one standards proposal.
    pub fn new() -> Self {
        let f = Fixture::empty();
        f.write("council.toml", COUNCIL);
        f.write("proposals/0001-how-we-decide.md", PROCESS);
        f.write("proposals/0002-lockfile.md", STANDARDS);
        f
    }

    pub fn empty() -> Self {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.file(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.file(rel)).unwrap()
    }

    /// `council -C <dir>` with a fixed clock, no colour and no git identity from the host.
    pub fn council(&self) -> Command {
        council_in(self.path(), NOW)
    }

    /// Asserts that council refuses `args` (exit 1) with `message` on stderr.
    pub fn refused(&self, args: &[&str], message: &str) {
        self.council()
            .args(args)
            .assert()
            .code(1)
            .stderr(predicates::str::contains(message));
    }

    /// `council check --format json`, parsed.
    pub fn check_json(&self, extra: &[&str]) -> serde_json::Value {
        json(
            self.council()
                .args(["check", "--format", "json"])
                .args(extra),
        )
    }

    /// (rule, file, line, column) of every diagnostic.
    pub fn findings(&self) -> Vec<(String, String, u64, u64)> {
        self.check_json(&[])["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_owned(),
                    d["file"].as_str().unwrap().to_owned(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                )
            })
            .collect()
    }
}

/// A ranking ballot file's text.
pub fn ranking(entries: &[&str]) -> String {
    let list: Vec<String> = entries.iter().map(|e| format!("{e:?}")).collect();
    format!("ranking = [{}]\n", list.join(", "))
}

/// Proposal 3: a second standards proposal on topic lockfile, in Discussion.
pub fn three_text() -> String {
    STANDARDS.replacen("id = 2", "id = 3", 1).replacen(
        "A standard lockfile format",
        "Another lockfile format",
        1,
    )
}

/// Opens a vote on `decision` as ada, from 2026-12-01 to 2026-12-15 (the tests' clock is
/// inside it): `council open` writes the record and moves the proposals to Voting.
pub fn open(f: &Fixture, decision: &str) {
    f.council()
        .env("COUNCIL_NOW", "2026-12-01T00:00:00Z")
        .args([
            "open",
            decision,
            "--closes",
            "2026-12-15T00:00:00Z",
            "--as",
            "ada",
        ])
        .assert()
        .success();
}

/// Puts proposal 2 (and optionally a competing 3) in Voting on `lockfile`, through `council open`.
pub fn voting(f: &Fixture, with_three: bool) {
    if with_three {
        f.write("proposals/0003-another-lockfile.md", three_text());
    }
    open(f, "lockfile");
}

/// Runs `git` in `dir` with the host's git configuration shut out; its standard output.
pub fn git(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// council.toml with `key` given to ada.
pub fn council_with_ada_key(key: &str) -> String {
    COUNCIL.replacen(
        "email = \"ada@example.org\"",
        &format!("email = \"ada@example.org\"\nkey = \"{key}\""),
        1,
    )
}

/// council run in `dir` at the clock `now`, with no user's git configuration, no colour and no
/// backtraces: the same in every test and on every machine.
pub fn council_in(dir: &Path, now: &str) -> Command {
    let mut c = Command::cargo_bin("council").unwrap();
    c.current_dir(dir)
        .env("COUNCIL_NOW", now)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("RUST_BACKTRACE")
        .arg("-C")
        .arg(dir);
    c
}

/// Runs a command and parses its standard output as JSON.
pub fn json(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A new ed25519 key `dir/name` without passphrase: its path and public line. Without
/// ssh-keygen the tests that need it cannot run: that fails the run, unless
/// `COUNCIL_TESTS_NO_SSH=1` says to skip them knowingly (then `None`, said on the terminal).
#[allow(dead_code)] // not every test file signs
pub fn keygen(dir: &Path, name: &str) -> Option<(PathBuf, String)> {
    let key = dir.join(name);
    let ok = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&key)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("COUNCIL_TESTS_NO_SSH").is_some(),
            "ssh-keygen could not make a key: the signing and attack tests need it (install openssh-client), or set COUNCIL_TESTS_NO_SSH=1 to skip them knowingly"
        );
        skipped(
            "ssh-keygen is not installed: the tests that sign were skipped (COUNCIL_TESTS_NO_SSH)",
        );
        return None;
    }
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    Some((key, public.trim().to_owned()))
}

/// Says that a test skipped part of its work, on the terminal itself: past the test harness's
/// capture, so a normal `cargo test` shows it.
pub fn skipped(what: &str) {
    use std::io::Write;
    let msg = format!("\nskipped: {what}\n");
    match std::fs::OpenOptions::new().append(true).open("/dev/stderr") {
        Ok(mut tty) => {
            let _ = tty.write_all(msg.as_bytes());
        }
        Err(_) => eprint!("{msg}"),
    }
}
