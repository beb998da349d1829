//! The bad-input catalogue: every `tests/bad/*.toml` is one case, a small change to a small valid
//! repository and what council must answer: the exit code and the rule, file, line and column
//! of the finding (or, for a command other than `check`, the `file:line:column:` its error
//! starts with). See tests/bad/README.md for the manifest's fields.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Fixture, files};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    about: String,
    #[serde(default)]
    replace: Vec<Replace>,
    #[serde(default)]
    write: Vec<Write>,
    #[serde(default)]
    remove: Vec<String>,
    /// The command's arguments; `check` (in JSON) when absent.
    #[serde(default)]
    run: Vec<String>,
    exit: i32,
    rule: Option<String>,
    file: Option<String>,
    line: Option<u64>,
    column: Option<u64>,
    /// Words the finding's message (or the command's error) contains.
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Replace {
    file: String,
    from: String,
    to: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Write {
    file: String,
    #[serde(default)]
    text: String,
    /// Bytes appended after `text` (for what TOML strings cannot hold).
    #[serde(default)]
    bytes: Vec<u8>,
}

/// The base every case changes: the tests' council, process document and two standards
/// proposals on `lockfile`, a vote on it opened by `council open` (2026-12-01 to 2026-12-15)
/// and two ballots. `check` finds nothing in it; the clock is 2026-12-10.
fn base() -> Fixture {
    let f = Fixture::new();
    common::voting(&f, true);
    f.write(
        "votes/lockfile/ada.toml",
        common::ranking(&["0002", "0003", "none"]),
    );
    f.write(
        "votes/lockfile/bob.toml",
        "ranking = [\"0003 = 0002\", \"none\"]\nconcerns = [\"needs a migration plan\"]\n",
    );
    f.write(
        "proposals/0004-solo.md",
        common::STANDARDS
            .replacen("id = 2", "id = 4", 1)
            .replacen("topic = \"lockfile\"\n", "", 1)
            .replacen("A standard lockfile format", "Solo", 1),
    );
    f
}

fn cases() -> Vec<(String, Case)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad");
    let mut out: Vec<(String, Case)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let case = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, case)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Runs one case in a copy of the base; why it failed, if it did.
fn run(base: &BTreeMap<String, Vec<u8>>, case: &Case) -> Result<(), String> {
    let f = Fixture::empty();
    for (rel, bytes) in base {
        f.write(rel, bytes);
    }
    for r in &case.replace {
        let text = f.read(&r.file);
        if !text.contains(&r.from) {
            return Err(format!("{} does not contain {:?}", r.file, r.from));
        }
        f.write(&r.file, text.replacen(&r.from, &r.to, 1));
    }
    for w in &case.write {
        let mut bytes = w.text.clone().into_bytes();
        bytes.extend(&w.bytes);
        f.write(&w.file, bytes);
    }
    for rel in &case.remove {
        std::fs::remove_file(f.file(rel)).map_err(|e| format!("{rel}: {e}"))?;
    }
    let before = files(f.path());
    let check = case.run.is_empty();
    let args: Vec<String> = if check {
        vec!["check".into(), "--format".into(), "json".into()]
    } else {
        case.run.clone()
    };
    let out = f.council().args(&args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let said = || format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    if stderr.contains("panicked") {
        return Err(format!("panicked\n{}", said()));
    }
    if out.status.code() != Some(case.exit) {
        return Err(format!(
            "exit {:?}, expected {}\n{}",
            out.status.code(),
            case.exit,
            said()
        ));
    }
    if check {
        let json: serde_json::Value =
            serde_json::from_str(&stdout).map_err(|e| format!("not JSON ({e})\n{}", said()))?;
        let found = json["diagnostics"].as_array().cloned().unwrap_or_default();
        let hit = found.iter().any(|d| {
            case.rule.as_deref().is_none_or(|r| d["rule"] == r)
                && case.file.as_deref().is_none_or(|x| d["file"] == x)
                && case.line.is_none_or(|l| d["line"] == l)
                && case.column.is_none_or(|c| d["column"] == c)
                && case
                    .message
                    .as_deref()
                    .is_none_or(|m| d["message"].as_str().unwrap_or("").contains(m))
        });
        if !hit {
            let got: Vec<String> = found
                .iter()
                .map(|d| {
                    format!(
                        "{} {}:{}:{} {}",
                        d["rule"], d["file"], d["line"], d["column"], d["message"]
                    )
                })
                .collect();
            return Err(format!(
                "no {:?} at {:?}:{:?}:{:?}; found:\n  {}",
                case.rule,
                case.file,
                case.line,
                case.column,
                got.join("\n  ")
            ));
        }
    } else {
        if let (Some(file), Some(line), Some(column)) = (&case.file, case.line, case.column) {
            let at = format!("{file}:{line}:{column}: ");
            if !stderr.contains(&at) {
                return Err(format!("the error does not start at {at}\n{}", said()));
            }
        }
        if let Some(m) = &case.message
            && !stderr.contains(m.as_str())
        {
            return Err(format!("the error does not say {m:?}\n{}", said()));
        }
        if case.exit != 0 && files(f.path()) != before {
            return Err(format!("a refused command changed files\n{}", said()));
        }
    }
    Ok(())
}

#[test]
fn the_base_of_the_catalogue_is_clean() {
    let f = base();
    let json = f.check_json(&[]);
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json:#}");
}

#[test]
fn every_bad_input_is_reported_where_it_is() {
    let cases = cases();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let base = files(base().path());
    let mut failures = Vec::new();
    for (name, case) in &cases {
        assert!(!case.about.is_empty(), "{name}: say what the case is about");
        if let Err(why) = run(&base, case) {
            failures.push(format!("{name} ({}): {why}", case.about));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
