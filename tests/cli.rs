//! The command line as users and CI meet it: every command, exit codes 0/1/2, output formats.

mod common;

use common::{Fixture, ranking, voting};
use predicates::prelude::*;
use predicates::str::contains;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---- global behaviour -------------------------------------------------------------------------

#[test]
fn help_version_and_usage_errors() {
    let f = Fixture::new();
    f.council()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Usage: council"));
    f.council()
        .arg("--version")
        .assert()
        .success()
        .stdout(contains("council "));
    f.council().assert().code(2).stderr(contains("Usage"));
    f.council().args(["check", "--bogus"]).assert().code(2);
    f.council()
        .args(["check", "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn no_council_toml_is_exit_2_and_says_what_to_do() {
    let f = Fixture::empty();
    f.council()
        .arg("check")
        .assert()
        .code(2)
        .stderr(contains("error: no council.toml in").and(contains("council init")))
        .stderr(contains("panicked").not().and(contains("backtrace").not()));
}

#[test]
fn malformed_council_toml_names_file_line_and_column() {
    let f = Fixture::new();
    f.write("council.toml", "name = \"x\"\nprocess = \n");
    f.council()
        .arg("check")
        .assert()
        .code(2)
        .stderr(contains("error: council.toml:2:"));
}

#[test]
fn repo_is_found_from_a_subdirectory() {
    let f = Fixture::new();
    let mut c = assert_cmd::Command::cargo_bin("council").unwrap();
    c.current_dir(f.file("proposals"))
        .env("NO_COLOR", "1")
        .arg("check")
        .assert()
        .success();
}

#[test]
fn broken_pipe_is_success() {
    let f = Fixture::new();
    let bin = assert_cmd::cargo::cargo_bin("council");
    // `man` and `completions` write more than a pipe buffer holds; the reader stops after a byte.
    for args in [
        "man",
        "completions bash",
        "completions zsh",
        "completions fish",
        "list",
    ] {
        let status = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; '{}' {args} | head -c 1 >/dev/null",
                bin.display()
            ))
            .current_dir(f.path())
            .status()
            .unwrap();
        assert!(status.success(), "{args}: {status}");
    }
    // A write that fails outright (a full disk) is an error, exit 2, never a panic.
    for shell in ["bash", "zsh", "fish"] {
        let out = std::process::Command::new(&bin)
            .args(["completions", shell])
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{shell}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

// ---- check ------------------------------------------------------------------------------------

#[test]
fn check_exit_codes_and_levels() {
    let f = Fixture::new();
    f.council()
        .arg("check")
        .assert()
        .success()
        .stdout(contains("checked 3 files: 0 errors, 0 warnings"));
    // A warning alone passes, unless warnings are denied.
    f.write(
        "proposals/0002-lockfile.md",
        common::STANDARDS.replacen("id = 2\n", "id = 2\nfoo = 1\n", 1),
    );
    f.council()
        .arg("check")
        .assert()
        .success()
        .stdout(contains("warning[unknown-field]"));
    f.council()
        .args(["check", "--deny-warnings"])
        .assert()
        .code(1);
    f.council()
        .args(["check", "-D", "unknown-field"])
        .assert()
        .code(1)
        .stdout(contains("error[unknown-field]"));
    f.council()
        .args(["check", "-A", "unknown-field"])
        .assert()
        .success()
        .stdout(contains("0 warnings"));
    // The last of -A/-D for one rule wins.
    f.council()
        .args(["check", "-A", "unknown-field", "-D", "unknown-field"])
        .assert()
        .code(1);
    f.council()
        .args(["check", "-D", "unknown-field", "-A", "unknown-field"])
        .assert()
        .success();
    f.council()
        .args(["check", "-D", "no-such-rule"])
        .assert()
        .code(2)
        .stderr(contains("unknown rule `no-such-rule`"));
    // [lints] in council.toml sets the level; the command line overrides it.
    f.write(
        "council.toml",
        format!("{}\n[lints]\nunknown-field = \"error\"\n", common::COUNCIL),
    );
    f.council().arg("check").assert().code(1);
    f.council()
        .args(["check", "-W", "unknown-field"])
        .assert()
        .success();
}

#[test]
fn check_formats() {
    let f = Fixture::new();
    f.write(
        "proposals/0002-lockfile.md",
        common::STANDARDS.replacen("\"lockfile\"", "\"Lockfile\"", 1),
    );
    let human = f.council().arg("check").output().unwrap();
    assert_eq!(human.status.code(), Some(1));
    let text = stdout(&human);
    assert!(
        text.contains("error[invalid-topic]: topic `Lockfile` may hold only a-z, 0-9 and `-`"),
        "{text}"
    );
    assert!(
        text.contains("--> proposals/0002-lockfile.md:7:9"),
        "{text}"
    );
    assert!(text.contains("7 | topic = \"Lockfile\""), "{text}");
    assert!(text.contains("^^^^^^^^^^"), "{text}");
    assert!(
        text.contains("help: for more on this rule, run `council check --explain invalid-topic`"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "no colour when not a terminal");

    let json = f.check_json(&[]);
    assert_eq!(
        json,
        serde_json::json!({"files": 3, "errors": 1, "warnings": 0, "diagnostics": [{
            "file": "proposals/0002-lockfile.md", "line": 7, "column": 9, "severity": "error",
            "rule": "invalid-topic", "message": "topic `Lockfile` may hold only a-z, 0-9 and `-`"}]})
    );

    f.council().args(["check", "--format", "github"]).assert().code(1).stdout(
        "::error file=proposals/0002-lockfile.md,line=7,col=9,title=invalid-topic::topic `Lockfile` may hold only a-z, 0-9 and `-`\n",
    );
    f.council()
        .args(["--color", "always", "check"])
        .assert()
        .code(1)
        .stdout(contains("\x1b["));
    f.council()
        .args(["-q", "check"])
        .assert()
        .code(1)
        .stdout(contains("checked").not());
}

#[test]
fn check_paths_limit_the_report() {
    let f = Fixture::new();
    f.write("proposals/0003-bad.md", "no front matter\n");
    f.council().arg("check").assert().code(1);
    f.council()
        .args(["check", "proposals/0002-lockfile.md"])
        .assert()
        .success()
        .stdout(contains("checked 1 file: 0 errors"));
    f.council()
        .args(["check", "proposals/0003-bad.md"])
        .assert()
        .code(1);
    f.council()
        .args(["check", "nope.md"])
        .assert()
        .code(2)
        .stderr(contains("nope.md"));
}

#[test]
fn list_rules_and_explain() {
    let f = Fixture::new();
    let out = f
        .council()
        .args(["check", "--list-rules"])
        .output()
        .unwrap();
    let text = stdout(&out);
    for r in council::lint::catalog::RULES {
        assert!(text.contains(r.id), "{}", r.id);
    }
    assert!(text.contains("section-order") && text.contains("warning"));
    f.council()
        .args(["check", "--explain", "broken-link"])
        .assert()
        .success()
        .stdout(contains("## How to fix it"));
    f.council()
        .args(["check", "--explain", "nope"])
        .assert()
        .code(2);
}

// ---- bad input --------------------------------------------------------------------------------

#[test]
fn bad_files_are_diagnostics_not_panics() {
    let f = Fixture::new();
    f.write(
        "proposals/0003-binary.md",
        [0x89, b'P', b'N', b'G', 0, 0, 1],
    );
    f.write(
        "proposals/0004-latin1.md",
        b"+++\ntitle = \"caf\xe9\"\n+++\n",
    );
    f.write("proposals/0005-empty.md", "");
    f.write("proposals/0006-dup.md", "+++\nid = 6\nid = 6\n+++\n");
    f.write(
        "proposals/0007-deep.md",
        format!("+++\nx = {}1{}\n+++\n", "[".repeat(5000), "]".repeat(5000)),
    );
    std::fs::create_dir_all(f.file("proposals/0008-dir.md")).unwrap();
    let big = f.file("proposals/0009-big.md");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    #[cfg(unix)]
    let outside = tempfile::NamedTempFile::new().unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path(), f.file("proposals/0010-link.md")).unwrap();
    f.write("votes/lockfile/ada.toml", b"ranking = [\"\xff\"]\n");

    let out = f
        .council()
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    let about = |file: &str| -> Vec<String> {
        diags
            .iter()
            .filter(|d| d["file"] == file)
            .map(|d| {
                format!(
                    "{}: {}",
                    d["rule"].as_str().unwrap(),
                    d["message"].as_str().unwrap()
                )
            })
            .collect()
    };
    let has = |file: &str, needle: &str| {
        let found = about(file);
        assert!(
            found.iter().any(|m| m.contains(needle)),
            "{file}: expected {needle:?} in {found:?}"
        );
    };
    has("proposals/0003-binary.md", "binary file");
    has("proposals/0004-latin1.md", "invalid UTF-8 at line 2");
    has("proposals/0005-empty.md", "the file is empty");
    has(
        "proposals/0006-dup.md",
        "toml-syntax: invalid TOML: duplicate key",
    );
    has("proposals/0007-deep.md", "toml-syntax");
    has("proposals/0008-dir.md", "is a directory");
    has("proposals/0009-big.md", "over the 4 MB limit");
    #[cfg(unix)]
    has("proposals/0010-link.md", "is a symbolic link");
    has("votes/lockfile/ada.toml", "invalid UTF-8");
}

// ---- init, new, list, show ------------------------------------------------------------------

#[test]
fn init_scaffolds_a_repository_that_checks_and_never_overwrites() {
    let f = Fixture::empty();
    f.council()
        .args(["init", "--name", "Packaging Council"])
        .assert()
        .success()
        .stdout(contains("council.toml"));
    assert!(
        f.read("council.toml")
            .contains("name = \"Packaging Council\"")
    );
    f.council().arg("check").assert().success();
    let before = f.read("council.toml");
    f.council()
        .arg("init")
        .assert()
        .code(1)
        .stderr(contains("already exists"));
    assert_eq!(f.read("council.toml"), before);
    // A named directory is created.
    f.council().args(["init", "sub"]).assert().success();
    assert!(f.file("sub/proposals/0001-decision-process.md").is_file());
}

#[test]
fn new_writes_a_valid_draft_with_the_next_id() {
    let f = Fixture::new();
    let out = f
        .council()
        .args([
            "new",
            "--title",
            "Ballots: one per file!",
            "--topic",
            "ballots",
            "--author",
            "Ada Lovelace <ada@example.org>",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out)
            .trim_end()
            .ends_with("proposals/0003-ballots-one-per-file.md")
    );
    let text = f.read("proposals/0003-ballots-one-per-file.md");
    assert!(text.starts_with("+++\nid = 3\ntitle = \"Ballots: one per file!\"\nauthors = [\"Ada Lovelace <ada@example.org>\"]\nstatus = \"Draft\"\ntype = \"standards\"\ntopic = \"ballots\"\ncreated = 2026-12-10\n+++\n"), "{text}");
    assert!(text.contains("## Rejected Ideas"));
    f.council().arg("check").assert().success();
    // informational proposals get their own sections
    f.council()
        .args([
            "new",
            "--title",
            "Notes",
            "--type",
            "informational",
            "--author",
            "Bo",
        ])
        .assert()
        .success();
    let text = f.read("proposals/0004-notes.md");
    assert!(text.contains("## Specification") && !text.contains("## Rationale"));
    f.council().arg("check").assert().success();
}

#[test]
fn new_takes_the_author_from_git_or_refuses() {
    let f = Fixture::new();
    // No author at all is a missing argument: a usage error (docs/behaviour.md's table).
    f.council()
        .args(["new", "--title", "T"])
        .assert()
        .code(2)
        .stderr(contains("--author"));
    let cfg = f.file("gitconfig");
    std::fs::write(
        &cfg,
        "[user]\n\tname = Grace Hopper\n\temail = grace@example.org\n",
    )
    .unwrap();
    f.council()
        .env("GIT_CONFIG_GLOBAL", &cfg)
        .args(["new", "--title", "T"])
        .assert()
        .success();
    assert!(
        f.read("proposals/0003-t.md")
            .contains("authors = [\"Grace Hopper <grace@example.org>\"]")
    );
    f.council()
        .args(["new", "--title", "T", "--author", "<x@y.z>"])
        .assert()
        .code(2);
    f.council()
        .args(["new", "--title", "T", "--type", "law", "--author", "A"])
        .assert()
        .code(2);
}

#[test]
fn list_filters_and_formats() {
    let f = Fixture::new();
    f.council()
        .arg("list")
        .assert()
        .success()
        .stdout("ID    STATUS      TYPE       TOPIC     TITLE\n0001  Active      process    -         How we decide\n0002  Discussion  standards  lockfile  A standard lockfile format\n");
    f.council()
        .args(["list", "--status", "Active"])
        .assert()
        .success()
        .stdout(contains("0001").and(contains("0002").not()));
    f.council()
        .args(["list", "--topic", "lockfile"])
        .assert()
        .success()
        .stdout(contains("0002").and(contains("0001").not()));
    f.council()
        .args(["list", "--type", "process"])
        .assert()
        .success()
        .stdout(contains("0001").and(contains("0002").not()));
    f.council()
        .args(["list", "--status", "nope"])
        .assert()
        .code(2);
    let v = common::json(f.council().args(["list", "--format", "json"]));
    assert_eq!(v[1]["id"], 2);
    assert_eq!(v[1]["discussions-to"], "https://discuss.example.org/t/123");
    assert_eq!(v[1]["created"], "2026-11-20");
    assert_eq!(v[1]["path"], "proposals/0002-lockfile.md");
    assert_eq!(v[0]["rules"]["quorum"], 0);
}

#[test]
fn show_text_and_json() {
    let f = Fixture::new();
    voting(&f, false);
    f.write("votes/lockfile/ada.toml", ranking(&["0002", "none"]));
    f.council().args(["show", "2"]).assert().success().stdout(
        contains("0002  A standard lockfile format")
            .and(contains("status:         Voting"))
            .and(contains("decision lockfile: open"))
            .and(contains("ada          0002 > none"))
            .and(contains("not voted:   bob, cy")),
    );
    let v = common::json(f.council().args(["show", "0002", "--format", "json"]));
    assert_eq!(v["title"], "A standard lockfile format");
    assert_eq!(v["decision"]["name"], "lockfile");
    assert_eq!(v["decision"]["state"], "open");
    assert_eq!(
        v["decision"]["ballots"][0]["ranking"],
        serde_json::json!(["0002", "none"])
    );
    f.council()
        .args(["show", "99"])
        .assert()
        .code(2)
        .stderr(contains("no proposal with id 99"));
}

/// A competing proposal whose front matter does not parse is never silently left out: `open`
/// refuses, `list` says it is missing, and `show` names its file (new-user review).
#[test]
fn a_proposal_that_does_not_parse_is_never_silently_left_out() {
    let f = Fixture::new();
    let broken = common::three_text().replacen(
        "title = \"Another lockfile format\"",
        "title = \"Another lockfile format",
        1,
    );
    f.write("proposals/0003-another-lockfile.md", &broken);
    f.council()
        .env("COUNCIL_NOW", "2026-12-01T00:00:00Z")
        .args([
            "open",
            "lockfile",
            "--closes",
            "2026-12-15T00:00:00Z",
            "--as",
            "ada",
        ])
        .assert()
        .code(1)
        .stderr(contains("proposals/0003-another-lockfile.md:3:"))
        .stderr(contains("left out of any vote"));
    assert!(!f.file("decisions/lockfile.toml").exists());
    f.council()
        .arg("list")
        .assert()
        .success()
        .stdout(contains("0002"))
        .stderr(contains("warning: proposals/0003-another-lockfile.md:3:"))
        .stderr(contains("not listed"));
    f.council()
        .args(["show", "3"])
        .assert()
        .code(2)
        .stderr(contains("proposals/0003-another-lockfile.md:3:"))
        .stderr(contains("is proposal 3's file"));
}

// ---- status -----------------------------------------------------------------------------------

#[test]
fn status_transitions_are_checked_and_edits_keep_layout() {
    let f = Fixture::new();
    let p = "proposals/0002-lockfile.md";
    f.write(
        p,
        common::STANDARDS.replacen(
            "status = \"Discussion\"",
            "status = \"Discussion\"   # keep me",
            1,
        ),
    );
    f.council()
        .args(["status", "2", "Draft"])
        .assert()
        .success()
        .stdout(contains("Discussion -> Draft"));
    let text = f.read(p);
    assert_eq!(
        text,
        common::STANDARDS.replacen(
            "status = \"Discussion\"",
            "status = \"Draft\"   # keep me",
            1
        )
    );
    f.refused(&["status", "2", "Accepted"], "Draft cannot move to Accepted; from Draft a standards proposal may go to Discussion, Withdrawn, Deferred");
    f.council().args(["status", "2", "Voting"]).assert().code(1);
    f.council()
        .args(["status", "2", "Bogus"])
        .assert()
        .code(2)
        .stderr(contains("invalid value 'Bogus'"));
    assert_eq!(f.read(p), text, "a refused change writes nothing");
    // Moving to Discussion without discussions-to would make it invalid.
    f.write(
        p,
        text.replacen(
            "discussions-to = \"https://discuss.example.org/t/123\"\n",
            "",
            1,
        ),
    );
    f.council()
        .args(["status", "2", "Discussion"])
        .assert()
        .code(1)
        .stderr(contains("would leave it invalid").and(contains("discussions-to")));
    f.council()
        .args(["status", "2", "Withdrawn"])
        .assert()
        .success();
    f.refused(&["status", "2", "Draft"], "Withdrawn is final");
}

// ---- the voting cycle -------------------------------------------------------------------------

#[test]
fn open_vote_tally_close() {
    let f = Fixture::new();
    f.write(
        "proposals/0003-another.md",
        common::STANDARDS
            .replacen("id = 2", "id = 3", 1)
            .replacen("A standard", "Another", 1),
    );
    f.council()
        .args(["open", "nothing", "--as", "ada"])
        .assert()
        .code(2);
    f.council()
        .args(["open", "lockfile", "--days", "7"])
        .assert()
        .code(2)
        .stderr(contains("cannot tell who you are"));
    f.council()
        .args(["open", "lockfile", "--days", "7", "--as", "ada"])
        .assert()
        .success()
        .stdout(contains("until 2026-12-17T12:00:00+00:00"));
    let text = f.read("proposals/0002-lockfile.md");
    assert!(text.contains("status = \"Voting\""), "{text}");
    let record = f.read("decisions/lockfile.toml");
    assert!(
        record.contains("opened = 2026-12-10T12:00:00Z")
            && record.contains("closes = 2026-12-17T12:00:00Z")
            && record.contains("opened-by = \"ada\"")
            && record.contains(&format!(
                "text = \"{}\"",
                council::git::blob_id(text.as_bytes())
            )),
        "{record}"
    );
    f.council()
        .args(["open", "lockfile", "--as", "ada"])
        .assert()
        .code(1)
        .stderr(contains("already being voted on"));
    f.council().arg("check").assert().success();

    f.council()
        .args(["vote", "lockfile", "--as", "ada", "--rank", "3 > 2 > none"])
        .assert()
        .success()
        .stdout(contains("wrote votes/lockfile/ada.toml"));
    assert_eq!(
        f.read("votes/lockfile/ada.toml"),
        "ranking = [\"0003\", \"0002\", \"none\"]\ncast = 2026-12-10T12:00:00Z\n"
    );
    f.council()
        .args([
            "vote",
            "lockfile",
            "--as",
            "ada",
            "--rank",
            "0002 = 0003 > none",
            "--comment",
            "both fine",
        ])
        .assert()
        .success()
        .stdout(contains("replaced"));
    f.council()
        .args(["vote", "lockfile", "--as", "zed", "--rank", "0002"])
        .assert()
        .code(2)
        .stderr(contains("not a delegate"));
    f.council()
        .args(["vote", "lockfile", "--as", "bob", "--rank", "0009"])
        .assert()
        .code(2)
        .stderr(contains("not an option"));
    f.council()
        .args(["vote", "lockfile", "--as", "bob", "--rank", "0002 > 0002"])
        .assert()
        .code(2);
    f.council()
        .args(["vote", "lockfile", "--as", "bob", "approve"])
        .assert()
        .code(2)
        .stderr(contains("one-proposal decision"));
    f.council()
        .args([
            "vote",
            "lockfile",
            "--as",
            "bob",
            "--rank",
            "0002 > 0003 > none",
            "--concern",
            "needs a migration plan",
        ])
        .assert()
        .success();
    f.refused(&["close", "lockfile"], "still open");

    let v = common::json(f.council().args(["tally", "--format", "json"]));
    assert_eq!(v[0]["state"], "open");
    assert_eq!(v[0]["options"], serde_json::json!(["0002", "0003", "none"]));
    assert_eq!(
        v[0]["pairwise"],
        serde_json::json!([[0, 1, 2], [0, 0, 2], [0, 0, 0]])
    );
    assert_eq!(
        v[0]["ballots"],
        serde_json::json!({"cast": 2, "abstained": 0, "recused": [], "missing": ["cy"]})
    );
    assert_eq!(
        v[0]["concerns"],
        serde_json::json!([{"delegate": "bob", "text": "needs a migration plan"}])
    );

    // cy recuses; with everyone heard the vote may close early, but bob's concern blocks it.
    f.council()
        .args(["vote", "lockfile", "--as", "cy", "--recuse"])
        .assert()
        .success();
    f.council()
        .args(["tally", "lockfile"])
        .assert()
        .success()
        .stdout(contains("blocked"));
    f.refused(&["close", "lockfile"], "blocked by unresolved concerns");
    f.council()
        .args([
            "vote",
            "lockfile",
            "--as",
            "bob",
            "--rank",
            "0002 > 0003 > none",
        ])
        .assert()
        .success();
    let out = f.council().args(["tally", "lockfile"]).output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("decision lockfile: decided: 0002 wins"),
        "{text}"
    );
    assert!(text.contains("0002 beats 0003  1:0"), "{text}");
    assert!(text.contains("recused: cy"), "{text}");

    f.council()
        .args(["close", "lockfile"])
        .assert()
        .success()
        .stdout(contains("Voting -> Accepted").and(contains("Voting -> Rejected")));
    assert!(
        f.read("proposals/0002-lockfile.md")
            .contains("status = \"Accepted\"\n")
    );
    assert!(
        f.read("proposals/0002-lockfile.md")
            .contains("resolved = 2026-12-10")
    );
    assert!(
        f.read("proposals/0003-another.md")
            .contains("status = \"Rejected\"\n")
    );
    f.council().arg("check").assert().success();
    f.council()
        .args(["tally", "lockfile"])
        .assert()
        .success()
        .stdout(contains("(recorded)"));
    let v = common::json(f.council().args(["tally", "lockfile", "--format", "json"]));
    assert_eq!(v[0]["closed"]["recount_agrees"], true, "{v}");
    assert_eq!(v[0]["closed"]["recount"], serde_json::Value::Null, "{v}");
    // A ballot put in after closing (which check reports) never changes what tally says was
    // decided: the record's [closed] is the result, and the recount is shown beside it.
    let recusal = f.read("votes/lockfile/cy.toml");
    f.write(
        "votes/lockfile/cy.toml",
        "ranking = [\"0003\", \"0002\", \"none\"]\ncast = 2026-12-10T12:00:00Z\n",
    );
    let out = f.council().args(["tally", "lockfile"]).output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("decision lockfile: decided: 0002 wins (closed at 2026-12-10T12:00:00+00:00, as recorded); the ballots now in votes/lockfile/ count differently: tie between 0002, 0003"),
        "{text}"
    );
    assert!(
        text.contains(
            "outcome: 0002 Accepted, 0003 Rejected (recorded; not what the ballots now count)"
        ),
        "{text}"
    );
    let v = common::json(f.council().args(["tally", "lockfile", "--format", "json"]));
    assert_eq!(
        (
            &v[0]["state"],
            &v[0]["winners"],
            &v[0]["closed"]["recount_agrees"]
        ),
        (
            &serde_json::json!("decided"),
            &serde_json::json!(["0002"]),
            &serde_json::json!(false)
        ),
        "{v}"
    );
    assert_eq!(
        (
            &v[0]["closed"]["recount"]["state"],
            &v[0]["closed"]["recount"]["winners"]
        ),
        (
            &serde_json::json!("tie"),
            &serde_json::json!(["0002", "0003"])
        ),
        "{v}"
    );
    // show (and the site) say the same: the record's result.
    let v = common::json(f.council().args(["show", "2", "--format", "json"]));
    assert_eq!(
        (&v["decision"]["winners"], &v["decision"]["outcome"]["0002"]),
        (&serde_json::json!(["0002"]), &serde_json::json!("Accepted")),
        "{v}"
    );
    f.write("votes/lockfile/cy.toml", recusal);
    f.council()
        .args(["vote", "lockfile", "--as", "ada", "--rank", "0003"])
        .assert()
        .code(1);

    // A closed decision's name is not reused: new refuses it, check warns of a proposal that
    // names it (new-user review).
    f.refused(
        &[
            "new",
            "--title",
            "Lockfiles again",
            "--topic",
            "lockfile",
            "--author",
            "Eve <eve@example.org>",
        ],
        "topic `lockfile` was decided",
    );
    f.write(
        "proposals/0004-again.md",
        common::STANDARDS.replacen("id = 2", "id = 4", 1).replacen(
            "status = \"Discussion\"",
            "status = \"Draft\"",
            1,
        ),
    );
    let found = f.findings();
    assert!(
        found
            .iter()
            .any(|d| d.0 == "closed-topic" && d.1 == "proposals/0004-again.md"),
        "{found:?}"
    );
}

#[test]
fn votes_outside_the_window_are_refused() {
    let f = Fixture::new();
    voting(&f, false);
    f.council()
        .env("COUNCIL_NOW", "2026-12-20T00:00:00Z")
        .args(["vote", "lockfile", "--as", "ada", "approve"])
        .assert()
        .code(1)
        .stderr(contains("closed at 2026-12-15"));
    f.council()
        .env("COUNCIL_NOW", "2026-11-20T00:00:00Z")
        .args(["vote", "lockfile", "--as", "ada", "approve"])
        .assert()
        .code(1)
        .stderr(contains("opens at"));
    assert!(!f.file("votes/lockfile/ada.toml").exists());
}

#[test]
fn the_delegate_is_found_by_git_email() {
    let f = Fixture::new();
    voting(&f, false);
    let cfg = f.file("gitconfig");
    std::fs::write(&cfg, "[user]\n\tname = Bob\n\temail = BOB@example.org\n").unwrap();
    f.council()
        .env("GIT_CONFIG_GLOBAL", &cfg)
        .args(["vote", "lockfile", "--rank", "none"])
        .assert()
        .success()
        .stdout(contains("votes/lockfile/bob.toml"));
    std::fs::write(&cfg, "[user]\n\temail = mallory@example.org\n").unwrap();
    f.council()
        .env("GIT_CONFIG_GLOBAL", &cfg)
        .args(["vote", "lockfile", "--rank", "none"])
        .assert()
        .code(1)
        .stderr(contains("mallory@example.org"));
}

#[test]
fn one_proposal_decisions_use_the_vote_shorthand() {
    let f = Fixture::new();
    let text = common::STANDARDS.replacen("topic = \"lockfile\"\n", "", 1);
    f.write("proposals/0002-lockfile.md", text);
    common::open(&f, "0002");
    f.council()
        .args(["vote", "0002", "--as", "ada", "approve"])
        .assert()
        .success();
    f.council()
        .args(["vote", "2", "--as", "bob", "reject"])
        .assert()
        .success();
    f.council()
        .args(["vote", "0002", "--as", "cy", "abstain"])
        .assert()
        .success();
    assert!(
        f.read("votes/0002/ada.toml")
            .starts_with("vote = \"approve\"\n")
    );
    let v = common::json(f.council().args(["tally", "0002", "--format", "json"]));
    assert_eq!(v[0]["pairwise"], serde_json::json!([[0, 1], [1, 0]]));
    assert_eq!(v[0]["ballots"]["abstained"], 1);
    // 1:1 against none fails the majority: none wins, 0002 is rejected.
    assert_eq!(v[0]["state"], "decided");
    assert_eq!(
        v[0]["dropped"],
        serde_json::json!([{"option": "0002", "reason": "majority"}])
    );
    assert_eq!(v[0]["outcome"], serde_json::json!({"0002": "Rejected"}));
    f.refused(&["status", "2", "Accepted"], "council close");
    f.council().args(["close", "2"]).assert().success();
    assert!(
        f.read("proposals/0002-lockfile.md")
            .contains("status = \"Rejected\"")
    );
}

/// A chair who recused does not settle the tie: `vote --casting` refuses, and a casting.toml
/// written by hand is not counted and is reported (new-user review).
#[test]
fn a_recused_chair_casts_no_deciding_vote() {
    let f = Fixture::new();
    voting(&f, true);
    f.write("votes/lockfile/ada.toml", "recuse = true\n");
    f.write(
        "votes/lockfile/bob.toml",
        ranking(&["0002", "0003", "none"]),
    );
    f.write("votes/lockfile/cy.toml", ranking(&["0003", "0002", "none"]));
    let v = common::json(f.council().args(["tally", "--format", "json"]));
    assert_eq!(v[0]["state"], "tie", "{v}");
    f.refused(
        &["vote", "lockfile", "--as", "ada", "--casting", "0002"],
        "you recused from decision `lockfile`",
    );
    assert!(!f.file("votes/lockfile/casting.toml").exists());
    f.write("votes/lockfile/casting.toml", "winner = \"0002\"\n");
    let v = common::json(f.council().args(["tally", "--format", "json"]));
    assert_eq!(v[0]["state"], "tie", "{v}");
    let found = f.findings();
    assert!(
        found
            .iter()
            .any(|d| d.0 == "casting-vote" && d.1 == "votes/lockfile/casting.toml"),
        "{found:?}"
    );
}

#[test]
fn ties_are_settled_by_the_chairs_casting_vote() {
    let f = Fixture::new();
    voting(&f, true);
    f.write(
        "votes/lockfile/ada.toml",
        ranking(&["0002", "0003", "none"]),
    );
    f.write(
        "votes/lockfile/bob.toml",
        ranking(&["0003", "0002", "none"]),
    );
    f.write("votes/lockfile/cy.toml", ranking(&["0002 = 0003", "none"]));
    let v = common::json(f.council().args(["tally", "--format", "json"]));
    assert_eq!(v[0]["state"], "tie");
    assert_eq!(v[0]["winners"], serde_json::json!(["0002", "0003"]));
    f.refused(&["close", "lockfile"], "tied");
    f.refused(
        &["vote", "lockfile", "--as", "bob", "--casting", "0002"],
        "is not that chair",
    );
    f.refused(
        &["vote", "lockfile", "--as", "ada", "--casting", "none"],
        "not among the tied",
    );
    f.council()
        .args(["vote", "lockfile", "--as", "ada", "--casting", "3"])
        .assert()
        .success();
    let v = common::json(f.council().args(["tally", "--format", "json"]));
    assert_eq!(v[0]["state"], "decided");
    assert_eq!(v[0]["casting"], "0003");
    assert_eq!(
        v[0]["outcome"],
        serde_json::json!({"0002": "Rejected", "0003": "Accepted"})
    );
    f.council().args(["close", "lockfile"]).assert().success();
    f.council().arg("check").assert().success();
}

#[test]
fn inquorate_decisions_do_not_close() {
    let f = Fixture::new();
    voting(&f, false);
    f.write("votes/lockfile/ada.toml", ranking(&["0002", "none"]));
    f.council()
        .env("COUNCIL_NOW", "2026-12-16T00:00:00Z")
        .args(["close", "lockfile"])
        .assert()
        .code(1)
        .stderr(contains("inquorate: 1 ballot counted, 2 needed"));
    // tally announces no winner for an inquorate vote (new-user review).
    f.council()
        .env("COUNCIL_NOW", "2026-12-16T00:00:00Z")
        .args(["tally", "lockfile"])
        .assert()
        .success()
        .stdout(contains("no winner: with 1 ballot counted and 2 needed"))
        .stdout(contains("\n  winner").not());
}

// ---- git ------------------------------------------------------------------------------------

fn git(f: &Fixture, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(f.path())
        .env("GIT_CONFIG_GLOBAL", f.file("gitconfig"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn commit_records_one_commit_by_the_user() {
    let f = Fixture::new();
    voting(&f, false);
    std::fs::write(
        f.file("gitconfig"),
        "[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n",
    )
    .unwrap();
    git(&f, &["init", "-q"]);
    git(&f, &["add", "."]);
    git(&f, &["commit", "-qm", "start"]);
    f.write("unrelated.txt", "staged but not ours");
    git(&f, &["add", "unrelated.txt"]);
    f.council()
        .env("GIT_CONFIG_GLOBAL", f.file("gitconfig"))
        .args(["vote", "lockfile", "approve", "--commit"])
        .assert()
        .success();
    f.council()
        .env("GIT_CONFIG_GLOBAL", f.file("gitconfig"))
        .args(["vote", "lockfile", "--rank", "0002 > none", "--commit"])
        .assert()
        .success()
        .stdout(contains("committed"));
    assert_eq!(
        git(&f, &["log", "-1", "--format=%s|%an|%ae"]),
        "vote(lockfile): ada|Ada Lovelace|ada@example.org\n"
    );
    assert_eq!(
        git(&f, &["show", "--name-only", "--format=", "HEAD"]),
        "votes/lockfile/ada.toml\n"
    );
    // The user's own staged change stays staged, out of council's commit.
    assert!(git(&f, &["status", "--porcelain"]).contains("A  unrelated.txt"));
}

/// A repository with a vote open on `lockfile` (ada, bob and cy elect), committed as `start`,
/// and a home folder whose global git configuration names Ada: `HOME/gitconfig`.
fn voting_git_repo_with_ada_at_home() -> (Fixture, tempfile::TempDir) {
    let f = Fixture::new();
    voting(&f, false);
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("gitconfig"),
        "[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n",
    )
    .unwrap();
    std::fs::write(
        f.file("gitconfig"),
        "[user]\n\tname = Importer\n\temail = import@example.org\n",
    )
    .unwrap();
    git(&f, &["init", "-q"]);
    git(&f, &["add", "council.toml", "proposals", "decisions"]);
    git(&f, &["commit", "-qm", "start"]);
    (f, home)
}

/// `council` with `home` as HOME and its gitconfig as git's global configuration (never the
/// machine's), dated inside the vote's window, git's commits too.
fn council_at_home(f: &Fixture, home: &tempfile::TempDir) -> assert_cmd::Command {
    let mut c = f.council();
    c.env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("GIT_CONFIG_GLOBAL", home.path().join("gitconfig"))
        .env("GIT_AUTHOR_DATE", "2026-12-10T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-12-10T12:00:00Z")
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL")
        .env_remove("EMAIL");
    c
}

/// Where git's identity comes from a place council used to overlook (`envs` and an extra line of
/// the global configuration), `vote` acts as the delegate git will author the commit as (bob),
/// never as the one a partial reading of the configuration gives (ada), and `--commit`'s
/// pre-check compares the email git will really use.
fn vote_acts_as_git_authors(f: &Fixture, home: &tempfile::TempDir, envs: &[(&str, &str)]) {
    let mut ask = council_at_home(f, home);
    ask.envs(envs.iter().copied())
        .args(["vote", "lockfile", "approve", "--as", "ada", "--commit"])
        .assert()
        .code(1)
        .stderr(contains(
            "--commit would author ada's ballot as bob@example.org (git's author identity), but only ada (ada@example.org) may make it",
        ));
    let mut vote = council_at_home(f, home);
    vote.envs(envs.iter().copied())
        .args(["vote", "lockfile", "approve"])
        .assert()
        .success()
        .stdout(contains("wrote votes/lockfile/bob.toml"));
    assert!(!f.file("votes/lockfile/ada.toml").exists());
    let mut commit = council_at_home(f, home);
    commit
        .envs(envs.iter().copied())
        .args(["vote", "lockfile", "reject", "--commit"])
        .assert()
        .success()
        .stdout(contains("replaced votes/lockfile/bob.toml"))
        .stdout(contains("committed"));
    assert_eq!(
        git(f, &["log", "-1", "--format=%an <%ae>"]),
        "Bob Builder <bob@example.org>\n"
    );
    f.council()
        .args(["check", "--base", "HEAD~1"])
        .assert()
        .success();
}

#[test]
fn vote_takes_the_identity_an_include_if_gives() {
    let (f, home) = voting_git_repo_with_ada_at_home();
    std::fs::write(
        home.path().join("bob.gitconfig"),
        "[user]\n\tname = Bob Builder\n\temail = bob@example.org\n",
    )
    .unwrap();
    let repo = f.path().canonicalize().unwrap();
    let mut global = std::fs::read_to_string(home.path().join("gitconfig")).unwrap();
    global.push_str(&format!(
        "[includeIf \"gitdir:{}/\"]\n\tpath = bob.gitconfig\n",
        repo.display()
    ));
    std::fs::write(home.path().join("gitconfig"), global).unwrap();
    vote_acts_as_git_authors(&f, &home, &[]);
}

#[test]
fn vote_takes_the_identity_git_config_count_gives() {
    let (f, home) = voting_git_repo_with_ada_at_home();
    vote_acts_as_git_authors(
        &f,
        &home,
        &[
            ("GIT_CONFIG_COUNT", "2"),
            ("GIT_CONFIG_KEY_0", "user.email"),
            ("GIT_CONFIG_VALUE_0", "bob@example.org"),
            ("GIT_CONFIG_KEY_1", "user.name"),
            ("GIT_CONFIG_VALUE_1", "Bob Builder"),
        ],
    );
}

#[test]
fn vote_takes_the_identity_from_the_environment_and_says_where_it_came_from() {
    let (f, home) = voting_git_repo_with_ada_at_home();
    // The EMAIL variable stands in for a user.email that is not set (git commit uses it).
    std::fs::write(
        home.path().join("gitconfig"),
        "[user]\n\tname = Bob Builder\n",
    )
    .unwrap();
    vote_acts_as_git_authors(&f, &home, &[("EMAIL", "bob@example.org")]);
    // GIT_AUTHOR_EMAIL is not git's user.email: the message says what it is.
    council_at_home(&f, &home)
        .env("GIT_AUTHOR_EMAIL", "nobody@example.org")
        .args(["vote", "lockfile", "approve"])
        .assert()
        .code(1)
        .stderr(contains(
            "nobody@example.org (git's author identity) is not the email of any delegate",
        ));
    // No identity at all, and no git at all: said as such.
    std::fs::write(home.path().join("gitconfig"), "").unwrap();
    council_at_home(&f, &home)
        .args(["vote", "lockfile", "approve"])
        .assert()
        .code(2)
        .stderr(contains("cannot tell who you are"))
        .stderr(contains("git has no author"));
    // git commit needs a committer as well: --commit refuses before writing without one.
    let before = f.read("votes/lockfile/bob.toml");
    council_at_home(&f, &home)
        .env("GIT_AUTHOR_NAME", "Bob Builder")
        .env("GIT_AUTHOR_EMAIL", "bob@example.org")
        .args(["vote", "lockfile", "approve", "--commit"])
        .assert()
        .code(2)
        .stderr(contains("git has no committer"));
    assert_eq!(f.read("votes/lockfile/bob.toml"), before);
    council_at_home(&f, &home)
        .env("PATH", "")
        .args(["vote", "lockfile", "approve"])
        .assert()
        .code(2)
        .stderr(contains("cannot tell who you are"))
        .stderr(contains("`git` command could not be started"));
}

#[test]
fn commit_outside_git_says_why() {
    let f = Fixture::new();
    f.council()
        .args(["status", "2", "Draft", "--commit"])
        .assert()
        .code(2)
        .stderr(contains("git init"));
}

// ---- completions and man ---------------------------------------------------------------------

#[test]
fn completions_and_man() {
    let f = Fixture::new();
    f.council()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(contains("_council"));
    f.council()
        .args(["completions", "zsh"])
        .assert()
        .success()
        .stdout(contains("#compdef council"));
    f.council()
        .arg("man")
        .assert()
        .success()
        .stdout(contains(".TH council"));
    f.council().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn recusals_leave_the_base_and_equal_rankings_abstain() {
    let f = Fixture::new();
    voting(&f, true);
    // Three delegates; cy recuses, so "majority" of the other two is 2.
    f.write("votes/lockfile/cy.toml", "recuse = true\n");
    f.write("votes/lockfile/ada.toml", ranking(&["0002", "none"]));
    let now = ["--format", "json"];
    let late = "2026-12-16T00:00:00Z";
    let v = common::json(f.council().env("COUNCIL_NOW", late).arg("tally").args(now));
    assert_eq!(v[0]["state"], "inquorate");
    assert_eq!(v[0]["ballots"]["recused"], serde_json::json!(["cy"]));
    // bob ranks everything equal: an abstention, which still counts towards min-ballots.
    f.write("votes/lockfile/bob.toml", ranking(&["0002 = 0003 = none"]));
    let v = common::json(f.council().env("COUNCIL_NOW", late).arg("tally").args(now));
    assert_eq!(
        v[0]["ballots"],
        serde_json::json!({"cast": 2, "abstained": 1, "recused": ["cy"], "missing": []})
    );
    assert_eq!(v[0]["state"], "decided");
    assert_eq!(v[0]["winners"], serde_json::json!(["0002"]));
    // An empty ballot is an abstention too.
    f.write("votes/lockfile/bob.toml", "ranking = []\n");
    let v = common::json(f.council().env("COUNCIL_NOW", late).arg("tally").args(now));
    assert_eq!(v[0]["ballots"]["abstained"], 1);
}

#[test]
fn cancel_removes_the_record_and_its_ballots() {
    let f = Fixture::new();
    voting(&f, true);
    f.council()
        .args(["vote", "lockfile", "--as", "bob", "--rank", "0002 > none"])
        .assert()
        .success();
    let v = common::json(f.council().args(["list", "--format", "json"]));
    assert_eq!(v[1]["decision"]["record"], "decisions/lockfile.toml");
    f.refused(
        &["cancel", "lockfile", "--as", "bob"],
        "only ada (the chair",
    );
    assert!(f.file("decisions/lockfile.toml").exists());
    f.council()
        .args(["cancel", "lockfile", "--as", "ada"])
        .assert()
        .success()
        .stdout(contains("cancelled `lockfile`"));
    assert!(!f.file("decisions/lockfile.toml").exists());
    assert!(!f.file("votes/lockfile").exists());
    assert!(
        f.read("proposals/0002-lockfile.md")
            .contains("status = \"Discussion\"")
    );
    f.council().arg("check").assert().success();
    // Cancelled, the decision can be opened again.
    common::open(&f, "lockfile");
}

#[test]
fn a_closed_decision_is_final() {
    let f = Fixture::new();
    voting(&f, false);
    vote_for_two(&f);
    f.council()
        .env("COUNCIL_NOW", "2026-12-16T00:00:00Z")
        .args(["close", "lockfile"])
        .assert()
        .success();
    assert!(f.read("decisions/lockfile.toml").contains("[closed]\n"));
    let v = common::json(f.council().args(["tally", "--format", "json"]));
    assert_eq!(v[0]["state"], "decided");
    f.refused(&["close", "lockfile"], "already closed");
    f.refused(&["cancel", "lockfile", "--as", "ada"], "is closed");
    f.refused(
        &["vote", "lockfile", "--as", "cy", "--rank", "0002"],
        "is closed",
    );
    f.refused(&["open", "lockfile", "--as", "ada"], "is not reused");
    // An edited [closed] is caught by check itself.
    let rec = f.read("decisions/lockfile.toml");
    f.write(
        "decisions/lockfile.toml",
        rec.replace("\"0002\" = \"Accepted\"", "\"0002\" = \"Rejected\""),
    );
    assert!(
        f.findings()
            .iter()
            .any(|(rule, file, _, _)| rule == "status-tally" && file == "decisions/lockfile.toml"),
        "{:?}",
        f.findings()
    );
}

#[test]
fn proposals_no_longer_carry_the_window() {
    let f = Fixture::new();
    f.write(
        "proposals/0002-lockfile.md",
        common::STANDARDS.replace(
            "created = 2026-11-20\n",
            "created = 2026-11-20\nvoting-opens = 2026-12-01T00:00:00Z\n",
        ),
    );
    let v = f.check_json(&[]);
    let d = &v["diagnostics"][0];
    assert_eq!(d["rule"], "unknown-field");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("the voting window lives in the decision record, decisions/lockfile.toml"),
        "{d}"
    );
}

#[test]
fn open_never_writes_outside_decisions() {
    let f = Fixture::new();
    // An invalid topic is a check error, but the proposal still loads.
    f.write(
        "proposals/0002-lockfile.md",
        common::STANDARDS.replace("topic = \"lockfile\"", "topic = \"../evil\""),
    );
    f.council()
        .args(["open", "../evil", "--as", "ada"])
        .assert()
        .code(2)
        .stderr(contains("is not a decision name"));
    assert!(!f.file("evil.toml").exists());
    assert!(!f.file("decisions").exists());
}

#[test]
fn a_second_file_with_an_options_id_does_not_block_close() {
    let f = Fixture::new();
    voting(&f, false);
    vote_for_two(&f);
    // An impostor sorts before the real file and takes its id.
    f.write(
        "proposals/0002-a-impostor.md",
        common::STANDARDS.replace("status = \"Discussion\"", "status = \"Draft\""),
    );
    f.council()
        .env("COUNCIL_NOW", "2026-12-16T00:00:00Z")
        .args(["close", "lockfile"])
        .assert()
        .success();
    assert!(
        f.read("proposals/0002-lockfile.md")
            .contains("status = \"Accepted\"")
    );
    assert!(
        f.read("proposals/0002-a-impostor.md")
            .contains("status = \"Draft\"")
    );
}

/// ada and bob rank 0002 first on lockfile.
fn vote_for_two(f: &Fixture) {
    for who in ["ada", "bob"] {
        f.council()
            .args(["vote", "lockfile", "--as", who, "--rank", "0002 > none"])
            .assert()
            .success();
    }
}
