//! Whole-repository fuzzing: this repository's own worked example (`council.toml`,
//! `proposals/`, `decisions/`, `votes/`), mutated by random byte flips, truncations, field swaps
//! and out-of-range values, must never make council panic.
//!
//! Every mutant is loaded, checked and counted in-process (fast); a sample is also written to a
//! temporary git repository where every command runs on it as a user would, asserting no exit
//! 101 and no "panicked" on stderr. The run is seeded and reproducible: `COUNCIL_FUZZ_SEED`
//! picks another seed, `COUNCIL_FUZZ_MUTANTS` another count (a failure names both, and the
//! mutant's changes).

mod common;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use council::model::status::Status;
use council::repo::{MemFiles, Repo};

/// In-process mutants per run, and one in `SPAWN_EVERY` also runs through the binary.
const MUTANTS: usize = 2400;
const SPAWN_EVERY: usize = 40;
const SEED: u64 = 0x00c0_0c11_2026;

/// splitmix64: small, seeded, reproducible everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The worked example at the repository root, by relative path.
fn example() -> BTreeMap<String, Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = BTreeMap::new();
    let mut add = |rel: String| {
        let bytes = std::fs::read(root.join(&rel)).unwrap();
        files.insert(rel, bytes);
    };
    add("council.toml".into());
    for dir in ["proposals", "decisions"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            add(format!(
                "{dir}/{}",
                e.unwrap().file_name().to_string_lossy()
            ));
        }
    }
    for d in std::fs::read_dir(root.join("votes")).unwrap() {
        let d = d.unwrap().file_name().to_string_lossy().into_owned();
        for e in std::fs::read_dir(root.join("votes").join(&d)).unwrap() {
            add(format!(
                "votes/{d}/{}",
                e.unwrap().file_name().to_string_lossy()
            ));
        }
    }
    files
}

/// Values that stress parsers and arithmetic: out of range, wrong type, odd text.
const VALUES: &[&str] = &[
    "4294967295",
    "4294967296",
    "-1",
    "0",
    "9223372036854775807",
    "18446744073709551616",
    "1e400",
    "nan",
    "9999-12-31",
    "0000-01-01",
    "9999-12-31T23:59:60Z",
    "2026-02-30",
    "1979-05-27T07:32:00.999999999-23:59",
    "\"\"",
    "\"3-1\"",
    "\"18446744073709551615:1\"",
    "\"1:18446744073709551615\"",
    "\"Über ✓\"",
    "[]",
    "[[]]",
    "{}",
    "true",
    "\"none\"",
    "\"0002 = \"",
    "\"=\"",
];

/// Bytes worth flipping to: TOML and markdown syntax, line ends, a BOM and invalid UTF-8.
const BYTES: &[u8] = b"\"'=[]{}+#\n\r\t ,.:-0129aZ\\\x00\xef\xbb\xbf\xff\xc3";

/// One random change to `files`; returns what it did, for the failure message.
fn mutate(rng: &mut Rng, files: &mut BTreeMap<String, Vec<u8>>) -> String {
    let names: Vec<String> = files.keys().cloned().collect();
    let name = rng.pick(&names).clone();
    let len = files[&name].len();
    match rng.below(9) {
        0 | 1 => {
            let at = rng.below(len);
            let b = *rng.pick(BYTES);
            files.get_mut(&name).unwrap()[at] = b;
            format!("{name}: byte {at} := {b:#04x}")
        }
        2 => {
            let at = rng.below(len + 1);
            files.get_mut(&name).unwrap().truncate(at);
            format!("{name}: truncated to {at} bytes")
        }
        3 | 4 => {
            // Swap the values of two `key = value` lines, in one file or across two.
            let other = rng.pick(&names).clone();
            let (a, b) = (value_lines(&files[&name]), value_lines(&files[&other]));
            if a.is_empty() || b.is_empty() {
                return format!("{name}: no field to swap");
            }
            let (ia, ib) = (rng.below(a.len()), rng.below(b.len()));
            let va = files[&name][a[ia].clone()].to_vec();
            let vb = files[&other][b[ib].clone()].to_vec();
            if name == other {
                let (first, second) = if a[ia].start <= b[ib].start {
                    ((a[ia].clone(), vb), (b[ib].clone(), va))
                } else {
                    ((b[ib].clone(), va), (a[ia].clone(), vb))
                };
                if first.0.end > second.0.start {
                    return format!("{name}: same field");
                }
                let f = files.get_mut(&name).unwrap();
                f.splice(second.0.clone(), second.1);
                f.splice(first.0.clone(), first.1);
            } else {
                files.get_mut(&name).unwrap().splice(a[ia].clone(), vb);
                files.get_mut(&other).unwrap().splice(b[ib].clone(), va);
            }
            format!("{name} <-> {other}: field values swapped")
        }
        5 => {
            let lines = value_lines(&files[&name]);
            if lines.is_empty() {
                return format!("{name}: no field");
            }
            let r = rng.pick(&lines).clone();
            let v = *rng.pick(VALUES);
            files.get_mut(&name).unwrap().splice(r, v.bytes());
            format!("{name}: a value := {v}")
        }
        6 => {
            // Delete, or duplicate, one line.
            let f = files.get_mut(&name).unwrap();
            let starts: Vec<usize> = std::iter::once(0)
                .chain(
                    f.iter()
                        .enumerate()
                        .filter(|(_, b)| **b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .filter(|&i| i < f.len())
                .collect();
            if starts.is_empty() {
                return format!("{name}: empty");
            }
            let s = *rng.pick(&starts);
            let e = f[s..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(f.len(), |i| s + i + 1);
            if rng.below(2) == 0 {
                f.drain(s..e);
                format!("{name}: line at byte {s} deleted")
            } else {
                let line = f[s..e].to_vec();
                f.splice(s..s, line);
                format!("{name}: line at byte {s} doubled")
            }
        }
        7 => {
            let status = rng.pick(&Status::ALL).as_str();
            let f = files.get_mut(&name).unwrap();
            let text = String::from_utf8_lossy(f).into_owned();
            let Some(at) = text.find("status = \"") else {
                return format!("{name}: no status");
            };
            let end = text[at + 10..]
                .find('"')
                .map_or(text.len(), |i| at + 10 + i);
            *f = format!("{}{status}{}", &text[..at + 10], &text[end..]).into_bytes();
            format!("{name}: status := {status}")
        }
        _ => {
            // Files appear and disappear.
            if rng.below(2) == 0 {
                files.remove(&name);
                format!("{name}: deleted")
            } else {
                let target = *rng.pick(&[
                    "proposals/0006-copy.md",
                    "votes/ballot-format/casting.toml",
                    "votes/0005/ada.toml",
                    "decisions/0005.toml",
                    "votes/ballot-format/nobody.toml",
                ]);
                let bytes = files[&name].clone();
                files.insert(target.to_owned(), bytes);
                format!("{name} copied to {target}")
            }
        }
    }
}

/// Byte ranges of the values of `key = value` lines.
fn value_lines(f: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in f.split(|&b| b == b'\n') {
        if let Some(eq) = line.windows(3).position(|w| w == b" = ") {
            let key = &line[..eq];
            if !key.is_empty()
                && key
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_\"".contains(b))
            {
                let v = start + eq + 3;
                let end = line
                    .iter()
                    .rposition(|&b| b != b'\r' && b != b' ')
                    .map_or(v, |i| (start + i + 1).max(v));
                out.push(v..end);
            }
        }
        start += line.len() + 1;
    }
    out
}

/// A mutant: one to three changes to the example.
fn mutant(rng: &mut Rng, base: &BTreeMap<String, Vec<u8>>) -> (BTreeMap<String, Vec<u8>>, String) {
    let mut files = base.clone();
    let mut what = Vec::new();
    for _ in 0..1 + rng.below(3) {
        if files.is_empty() {
            break;
        }
        what.push(mutate(rng, &mut files));
    }
    (files, what.join("; "))
}

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-10-10T12:00:00Z".parse().unwrap()
}

/// Load, check, emit and count a mutant in-process, as `check` and `tally` do; how many
/// findings the full check had.
fn in_process(files: &BTreeMap<String, Vec<u8>>) -> usize {
    let mut findings = 0;
    let mem = MemFiles {
        files: files.clone(),
        ..MemFiles::default()
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for load in [Repo::load_from, Repo::load_for_count] {
        let Ok(repo) = load(root, &mem) else {
            continue;
        };
        let _ = repo.require_valid_config();
        let _ = council::cmd::new::next_id(&repo);
        let diags = council::lint::check(&repo, now());
        if repo.proposals.iter().any(|p| !p.sections.is_empty()) {
            findings = findings.max(diags.len());
        }
        if let Ok((levels, found)) = council::lint::levels(&repo.council, &[]) {
            let all =
                council::lint::apply_levels(diags.into_iter().chain(found).collect(), &levels);
            let summary = council::diag::Summary::of(repo.files, &all);
            for format in [
                council::emit::Format::Human,
                council::emit::Format::Json,
                council::emit::Format::Github,
            ] {
                let mut out = Vec::new();
                council::emit::emit(&mut out, format, &all, summary, false).unwrap();
            }
        }
        for d in council::decision::decisions(&repo) {
            let t = council::decision::tally(&d, now());
            let _ = council::cmd::tally::json(&t);
        }
        for name in ["ballot-format", "0005", "2", "nosuch"] {
            let _ = council::decision::find_recorded(&repo, name);
        }
    }
    findings
}

/// Every command, as a user would run it, on a mutant committed on top of the example in a
/// fresh git repository. Returns the first command that panicked or exited 101; counts the
/// exit codes in `codes`.
fn through_the_binary(
    base: &BTreeMap<String, Vec<u8>>,
    files: &BTreeMap<String, Vec<u8>>,
    codes: &mut [usize; 3],
) -> Option<String> {
    let f = common::Fixture::empty();
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(f.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ada Lovelace")
            .env("GIT_AUTHOR_EMAIL", "ada@example.org")
            .env("GIT_COMMITTER_NAME", "Ada Lovelace")
            .env("GIT_COMMITTER_EMAIL", "ada@example.org")
            .env("GIT_AUTHOR_DATE", "2026-10-10T11:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-10-10T11:00:00Z")
            .output()
            .unwrap()
    };
    let write_all = |files: &BTreeMap<String, Vec<u8>>| {
        for (rel, bytes) in files {
            f.write(rel, bytes);
        }
    };
    write_all(base);
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "import"]);
    for rel in base.keys() {
        let _ = std::fs::remove_file(f.file(rel));
    }
    write_all(files);
    git(&["add", "-A"]);
    git(&["commit", "-q", "--allow-empty", "-m", "mutant"]);
    let author = "Ada Lovelace <ada@example.org>";
    let commands: &[&[&str]] = &[
        &["check"],
        &["check", "--format", "json"],
        &["check", "--format", "github", "--base", "HEAD~1"],
        &["audit"],
        &["list"],
        &["list", "--format", "json"],
        &["show", "2"],
        &["show", "5"],
        &["tally"],
        &["tally", "ballot-format", "--format", "json"],
        &["tally", "--at", "HEAD"],
        // A vote that every elector answers, so that (on a mutant that allows it) `close`
        // writes its outcome: the writing path most worth fuzzing.
        &["open", "0005", "--as", "ada", "--days", "7"],
        &["vote", "0005", "approve", "--as", "ada", "--comment", "x"],
        &["vote", "0005", "--recuse", "--as", "grace"],
        &["vote", "0005", "--rank", "0005 > none", "--as", "alan"],
        &["vote", "0005", "reject", "--as", "barbara"],
        &["tally", "0005"],
        &["close", "0005"],
        &["render", "--out", "site"],
        &["open", "0005", "--as", "ada", "--days", "7"],
        &["vote", "0005", "approve", "--as", "ada", "--concern", "x"],
        &["cancel", "0005", "--as", "ada"],
        &[
            "vote",
            "ballot-format",
            "--rank",
            "0002 > 0003 = 0004 > none",
            "--as",
            "ada",
        ],
        &["close", "ballot-format"],
        &["cancel", "ballot-format", "--as", "ada"],
        &["status", "5", "Deferred"],
        &["status", "2", "Final"],
        &["new", "--title", "Über the next one", "--author", author],
        &[
            "open",
            "ballot-format",
            "--as",
            "ada",
            "--closes",
            "2026-10-20",
        ],
        &["check"],
    ];
    for args in commands {
        let out = f
            .council()
            .env("COUNCIL_NOW", "2026-11-21T12:00:00Z")
            .args(*args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        if code == Some(101) || code.is_none() || stderr.contains("panicked") {
            return Some(format!(
                "council {}: exit {code:?}\n{stderr}",
                args.join(" ")
            ));
        }
        if code == Some(0) && args[0] == "close" {
            CLOSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        match code {
            Some(c @ 0..=2) => codes[c as usize] += 1,
            _ => panic!("council {}: exit {code:?}\n{stderr}", args.join(" ")),
        }
    }
    None
}

/// How many `close` runs wrote an outcome (the fuzz reaches the writing path).
static CLOSED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[test]
fn mutants_of_the_worked_example_never_panic() {
    let seed = std::env::var("COUNCIL_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED);
    let count = std::env::var("COUNCIL_FUZZ_MUTANTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(MUTANTS);
    let base = example();
    let mut rng = Rng(seed);
    let mut failures = Vec::new();
    let mut spawned = 0;
    let mut with_findings = 0;
    let mut codes = [0; 3];
    for i in 0..count {
        let (files, what) = mutant(&mut rng, &base);
        match catch_unwind(AssertUnwindSafe(|| in_process(&files))) {
            Ok(n) => with_findings += usize::from(n > 0),
            Err(_) => failures.push(format!("mutant {i} (in-process): {what}")),
        }
        if i % SPAWN_EVERY == 0 {
            spawned += 1;
            if let Some(why) = through_the_binary(&base, &files, &mut codes) {
                failures.push(format!("mutant {i}: {what}\n{why}"));
            }
        }
        if failures.len() >= 5 {
            break;
        }
    }
    assert!(
        failures.is_empty(),
        "seed {seed}, {count} mutants: {} panicked\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(spawned >= count / SPAWN_EVERY);
    // The mutants are bad input, not noise: most are found wrong, and the commands run on them
    // succeed, refuse and fail to run alike.
    assert!(
        with_findings * 2 > count,
        "only {with_findings} of {count} mutants had findings"
    );
    assert!(codes.iter().all(|&n| n > 0), "exit codes 0/1/2: {codes:?}");
    assert!(
        CLOSED.load(std::sync::atomic::Ordering::Relaxed) > 0,
        "no mutant let `close` write its outcome: the fuzz never reached that path"
    );
}
