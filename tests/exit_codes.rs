//! The table of exit codes and messages in docs/behaviour.md, one row of this test per example
//! there: every command gives the same code for the same kind of mistake, and says what it is.

mod common;

use common::Fixture;

/// The repository a case starts from.
#[derive(Clone, Copy, Debug)]
enum Setup {
    /// council.toml, the process document (1, Active) and proposal 2 in Discussion.
    Plain,
    /// Plain, and a vote open on `lockfile` with proposals 2 and 3.
    Voting,
    /// An empty directory.
    Empty,
    /// council.toml that does not parse (line 2).
    BadCouncil,
    /// Plain, with an invalid majority in the process document's rules.
    BadRules,
    /// Plain, and proposal 2 without its title.
    Finding,
    /// Plain, and proposal 2 with an unknown field (a warning).
    Warning,
    /// Plain, and a git repository with one commit.
    Git,
}

struct Case {
    setup: Setup,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    code: i32,
    /// On stderr (or, for exit 0, on stdout).
    says: &'static str,
}

const fn case(setup: Setup, args: &'static [&'static str], code: i32, says: &'static str) -> Case {
    Case {
        setup,
        args,
        env: &[],
        code,
        says,
    }
}

fn build(setup: Setup) -> Fixture {
    let f = match setup {
        Setup::Empty => Fixture::empty(),
        _ => Fixture::new(),
    };
    match setup {
        Setup::Voting => common::voting(&f, true),
        Setup::BadCouncil => f.write("council.toml", "name = \"x\"\nprocess = = 1\n"),
        Setup::BadRules => {
            let text = f.read("proposals/0001-how-we-decide.md").replacen(
                "min-ballots = \"majority\"",
                "min-ballots = \"majority\"\n\n[rules.majority]\nstandards = \"3-1\"",
                1,
            );
            f.write("proposals/0001-how-we-decide.md", text);
        }
        Setup::Finding => {
            let text = f.read("proposals/0002-lockfile.md");
            f.write(
                "proposals/0002-lockfile.md",
                text.replacen("title = \"A standard lockfile format\"\n", "", 1),
            );
        }
        Setup::Warning => {
            let text = f.read("proposals/0002-lockfile.md");
            f.write(
                "proposals/0002-lockfile.md",
                text.replacen("+++\nid = 2", "+++\nid = 2\nflavour = \"mint\"", 1),
            );
        }
        Setup::Git => {
            let id = [
                ("GIT_AUTHOR_NAME", "Ada"),
                ("GIT_AUTHOR_EMAIL", "ada@example.org"),
                ("GIT_COMMITTER_NAME", "Ada"),
                ("GIT_COMMITTER_EMAIL", "ada@example.org"),
            ];
            common::git(f.path(), &["init", "-q"], &[]);
            common::git(f.path(), &["add", "-A"], &[]);
            common::git(f.path(), &["commit", "-qm", "import"], &id);
        }
        _ => {}
    }
    f
}

use Setup::*;

#[rustfmt::skip]
const CASES: &[Case] = &[
    // 0: success, warnings allowed.
    case(Plain, &["check"], 0, "0 errors, 0 warnings"),
    case(Warning, &["check"], 0, "1 warning"),
    case(Plain, &["status", "2", "Draft"], 0, "Discussion -> Draft"),
    case(Voting, &["status", "2", "Withdrawn"], 1, "is being voted on: its outcome is written by `council close lockfile`"),
    case(Plain, &["--help"], 0, "Exit status"),
    case(Plain, &["--version"], 0, "council"),
    // 1: findings.
    case(Finding, &["check"], 1, ""),
    case(Warning, &["check", "--deny-warnings"], 1, ""),
    case(Warning, &["check", "-D", "unknown-field"], 1, ""),
    // 1: a refused change.
    case(Plain, &["status", "1", "Draft"], 1, "Active cannot move to Draft"),
    case(Voting, &["close", "lockfile"], 1, "still open"),
    case(Voting, &["cancel", "lockfile", "--as", "bob"], 1, "chair"),
    case(Plain, &["init"], 1, "already exists"),
    Case { env: &[("COUNCIL_NOW", "2026-12-20T00:00:00Z")],
        ..case(Voting, &["vote", "lockfile", "--rank", "0002 > none", "--as", "ada"], 1, "closed at") },
    // 2: usage errors, values outside their set, malformed values.
    case(Plain, &["status", "2", "final"], 2, "invalid value 'final'"),
    case(Plain, &["list", "--status", "accepted"], 2, "invalid value 'accepted'"),
    case(Plain, &["new", "--title", "X", "--type", "rfc"], 2, "invalid value 'rfc'"),
    case(Plain, &["new", "--title", "", "--author", "Ada"], 2, "--title"),
    case(Plain, &["new", "--title", "X", "--topic", "Bad Topic", "--author", "Ada"], 2, "--topic"),
    case(Plain, &["new", "--title", "X", "--author", "<ada>"], 2, "--author"),
    case(Plain, &["new", "--title", "X", "--author", "Ada", "--discussions-to", "ftp://x"], 2, "--discussions-to"),
    case(Plain, &["status", "2", "Draft", "--resolution", "nope"], 2, "--resolution"),
    case(Plain, &["open", "lockfile", "--days", "0"], 2, "--days"),
    case(Plain, &["open", "lockfile", "--closes", "tomorrow", "--as", "ada"], 2, "`tomorrow`"),
    case(Plain, &["frobnicate"], 2, "unrecognized subcommand"),
    case(Voting, &["vote", "lockfile", "--rank", "0002 >> none", "--as", "ada"], 2, "0002 >> none"),
    case(Voting, &["vote", "lockfile", "--rank", "0002,none", "--as", "ada"], 2, "not a ranking separator"),
    case(Voting, &["vote", "lockfile", "--rank", "0002 > none", "--concern", "", "--as", "ada"], 2, "is empty"),
    case(Voting, &["vote", "lockfile", "--recuse", "--concern", "x", "--as", "ada"], 2, "cannot be used with"),
    case(Voting, &["vote", "lockfile", "approve", "--as", "ada"], 2, "--rank"),
    case(Plain, &["status", "1", "Superseded"], 2, "--superseded-by"),
    Case { env: &[("COUNCIL_NOW", "yesterday")], ..case(Plain, &["check"], 2, "COUNCIL_NOW") },
    // 2: an unknown name given on the command line.
    case(Plain, &["show", "99"], 2, "no proposal with id 99"),
    case(Plain, &["status", "99", "Draft"], 2, "no proposal with id 99"),
    case(Plain, &["vote", "nosuch", "approve", "--as", "ada"], 2, "no decision `nosuch`"),
    case(Plain, &["tally", "nosuch"], 2, "no decision `nosuch`"),
    case(Plain, &["tally", "2"], 2, "proposal 0002 belongs to topic `lockfile`"),
    case(Plain, &["vote", "2", "approve", "--as", "ada"], 2, "name `lockfile` instead"),
    case(Plain, &["close", "nosuch"], 2, "no decision `nosuch`"),
    case(Plain, &["cancel", "nosuch"], 2, "no decision `nosuch`"),
    case(Plain, &["open", "nosuch", "--as", "ada"], 2, "no proposal belongs to decision `nosuch`"),
    case(Voting, &["vote", "lockfile", "--rank", "0002 > none", "--as", "nobody"], 2, "`nobody`"),
    case(Voting, &["vote", "lockfile", "--rank", "0009 > none", "--as", "ada"], 2, "`0009` is not an option"),
    case(Voting, &["vote", "lockfile", "--casting", "0009", "--as", "ada"], 2, "`0009` is not an option"),
    case(Plain, &["status", "1", "Superseded", "--superseded-by", "99"], 2, "no proposal with id 99"),
    case(Plain, &["check", "-D", "nosuch-rule"], 2, "unknown rule `nosuch-rule`"),
    case(Plain, &["check", "-A", "nosuch-rule"], 2, "unknown rule `nosuch-rule`"),
    case(Git, &["audit", "-W", "nosuch-rule"], 2, "unknown rule `nosuch-rule`"),
    case(Plain, &["check", "--explain", "nosuch-rule"], 2, "unknown rule `nosuch-rule`"),
    case(Plain, &["check", "nosuch.md"], 2, "nosuch.md"),
    case(Git, &["tally", "--at", "nosuch-rev"], 2, "nosuch-rev"),
    case(Git, &["audit", "--since", "nosuch-rev"], 2, "nosuch-rev"),
    // 2: unusable configuration.
    case(Empty, &["check"], 2, "no council.toml"),
    case(Empty, &["list"], 2, "no council.toml"),
    case(BadCouncil, &["check"], 2, "council.toml:2:"),
    case(BadCouncil, &["tally"], 2, "council.toml:2:"),
    case(BadRules, &["open", "lockfile", "--as", "ada"], 2, "proposals/0001-how-we-decide.md:16:13:"),
    // 2: cannot run.
    case(Plain, &["audit"], 2, "not in a git repository"),
    case(Plain, &["check", "--base", "HEAD"], 2, "not in a git repository"),
    case(Plain, &["status", "2", "Draft", "--commit"], 2, "git"),
    case(Voting, &["vote", "lockfile", "--rank", "0002 > none"], 2, "cannot tell who you are"),
];

#[test]
fn every_kind_of_mistake_has_its_exit_code_and_says_what_it_is() {
    let mut failed = Vec::new();
    for c in CASES {
        let f = build(c.setup);
        let before = snapshot(f.path());
        let out = f
            .council()
            .args(c.args)
            .envs(c.env.iter().copied())
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        let text = if c.code == 0 { &stdout } else { &stderr };
        let code = out.status.code();
        if code != Some(c.code) || !text.contains(c.says) || stderr.contains("panicked") {
            failed.push(format!(
                "{:?} council {}: exit {code:?}, expected {} saying {:?}\n  stdout: {stdout}\n  stderr: {stderr}",
                c.setup,
                c.args.join(" "),
                c.code,
                c.says
            ));
        }
        // Whatever failed changed nothing.
        if c.code != 0 && snapshot(f.path()) != before {
            failed.push(format!(
                "{:?} council {}: exit {code:?} but files changed",
                c.setup,
                c.args.join(" ")
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// Every file under `dir` (git's own files and the lock aside) with its bytes.
fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut all = common::files(dir);
    all.retain(|rel, _| !rel.starts_with(".git/") && rel != ".council.lock");
    all
}

/// The pairs: the same kind of mistake, the same code and the same message.
#[test]
fn the_same_mistake_on_two_commands_is_told_alike() {
    let f = Fixture::new();
    let message = |args: &[&str]| {
        let out = f.council().args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (a, b) = (
        message(&["vote", "nosuch", "approve", "--as", "ada"]),
        message(&["tally", "nosuch"]),
    );
    assert_eq!(a, b);
    assert_eq!(a.0, Some(2));
    let (a, b) = (
        message(&["status", "2", "final"]),
        message(&["list", "--status", "accepted"]),
    );
    assert_eq!((a.0, b.0), (Some(2), Some(2)));
    for text in [&a.1, &b.1] {
        assert!(
            text.contains("possible values: Draft, Discussion, Voting, Accepted"),
            "{text}"
        );
    }
    // -D with an unknown rule is a usage error; --list-rules says so, and that [lints] warns.
    assert_eq!(message(&["check", "-D", "nosuch-rule"]).0, Some(2));
    let rules = f
        .council()
        .args(["check", "--list-rules"])
        .output()
        .unwrap();
    let rules = String::from_utf8_lossy(&rules.stdout);
    let line = rules
        .lines()
        .find(|l| l.starts_with("unknown-lint"))
        .unwrap();
    assert!(
        line.contains("warning") && line.contains("usage error, exit 2"),
        "{line}"
    );
    f.write(
        "council.toml",
        format!("{}\n[lints]\nnosuch-rule = \"allow\"\n", common::COUNCIL),
    );
    let found = f.findings();
    assert!(found.iter().any(|d| d.0 == "unknown-lint"), "{found:?}");
    f.council().arg("check").assert().code(0);
}

/// `--format json` and `--format github` print a parseable result whatever happens.
#[test]
fn machine_formats_answer_even_when_council_cannot_run() {
    let bad = build(BadCouncil);
    let empty = build(Empty);
    let plain = build(Plain);
    let cases: &[(&Fixture, &[&str])] = &[
        (&bad, &["check", "--format", "json"]),
        (&bad, &["audit", "--format", "json"]),
        (&bad, &["list", "--format", "json"]),
        (&bad, &["show", "2", "--format", "json"]),
        (&bad, &["tally", "--format", "json"]),
        (&empty, &["list", "--format", "json"]),
        (&plain, &["show", "99", "--format", "json"]),
        (&plain, &["tally", "nosuch", "--format", "json"]),
        (&plain, &["check", "-D", "nosuch-rule", "--format", "json"]),
        (&plain, &["audit", "--format", "json"]),
    ];
    for (f, args) in cases {
        let out = f.council().args(*args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {:?}", out.stdout));
        assert_eq!(v["errors"], 1, "{args:?}: {v}");
        let d = &v["diagnostics"][0];
        assert_eq!(d["rule"], "cannot-run", "{args:?}: {v}");
        if std::ptr::eq(*f, &bad) {
            assert_eq!(
                (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
                (Some("council.toml"), Some(2), Some(11)),
                "{v}"
            );
        }
    }
    for args in [
        ["check", "--format", "github"],
        ["audit", "--format", "github"],
    ] {
        let out = bad.council().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with(
                "::error file=council.toml,line=2,col=11,title=cannot-run::invalid TOML"
            ),
            "{args:?}: {text}"
        );
    }
}

/// Every diagnostic points at the line it is about.
#[test]
fn findings_point_at_their_line() {
    // unreadable-file: at the invalid byte its message names.
    let f = Fixture::new();
    common::voting(&f, true);
    f.write(
        "votes/lockfile/bob.toml",
        b"ranking = [\"0002\"]\ncomment = \"ab\xff\"\n",
    );
    let found = f.findings();
    let d = found
        .iter()
        .find(|d| d.0 == "unreadable-file")
        .expect("unreadable-file");
    assert_eq!((d.2, d.3), (2, 14), "{found:?}");

    // status-transition and frozen-text in history: at the line that changed.
    let f = build(Git);
    let id = [
        ("GIT_AUTHOR_NAME", "Ada"),
        ("GIT_AUTHOR_EMAIL", "ada@example.org"),
        ("GIT_COMMITTER_NAME", "Ada"),
        ("GIT_COMMITTER_EMAIL", "ada@example.org"),
        ("GIT_COMMITTER_DATE", "2026-12-01T00:00:00Z"),
        ("GIT_AUTHOR_DATE", "2026-12-01T00:00:00Z"),
    ];
    let base = common::git(f.path(), &["rev-parse", "HEAD"], &[]);
    let p1 = f.read("proposals/0001-how-we-decide.md");
    f.write(
        "proposals/0001-how-we-decide.md",
        p1.replacen("status = \"Active\"", "status = \"Accepted\"", 1),
    );
    common::open(&f, "lockfile");
    common::git(f.path(), &["add", "-A"], &[]);
    common::git(f.path(), &["commit", "-qm", "open"], &id);
    let p2 = f.read("proposals/0002-lockfile.md");
    let changed = p2.replacen("## Motivation\n\nText.", "## Motivation\n\nTexts.", 1);
    f.write("proposals/0002-lockfile.md", &changed);
    common::git(f.path(), &["commit", "-qam", "edit"], &id);
    let v = f.check_json(&["--base", base.trim()]);
    let at = |rule: &str| {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == rule && d["commit"].is_string())
            .map(|d| {
                (
                    d["file"].as_str().unwrap().to_owned(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                )
            })
            .unwrap_or_else(|| panic!("no {rule} in {v}"))
    };
    let line = changed.lines().position(|l| l == "Texts.").unwrap() as u64 + 1;
    assert_eq!(
        at("frozen-text"),
        ("proposals/0002-lockfile.md".into(), line, 5)
    );
    let status = p1.lines().position(|l| l.starts_with("status")).unwrap() as u64 + 1;
    assert_eq!(
        at("status-transition"),
        ("proposals/0001-how-we-decide.md".into(), status, 10)
    );
    // Plain `check` reads the pinned text from git and points at the same place.
    let v = f.check_json(&[]);
    let plain = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "frozen-text")
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()));
    assert_eq!(plain, Some((line, 5)), "{v}");
}
