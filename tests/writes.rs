//! Every writing command checks its whole result before writing, keeps the file's own style, and
//! refuses without touching a byte; and the fixes of issue 8's list (terms, ids, slugs,
//! placeholders, grammar, the casting vote in `show`, a closed `tally`).

mod common;

use common::{Fixture, files, ranking, voting};
use predicates::prelude::*;
use predicates::str::contains;

/// Asserts that `args` fails with `code` and `message`, leaving every byte as it was.
fn refused_untouched(f: &Fixture, args: &[&str], code: i32, message: &str) {
    let before = files(f.path());
    f.council()
        .args(args)
        .assert()
        .code(code)
        .stderr(contains(message));
    assert!(files(f.path()) == before, "{args:?} changed files");
}

fn accepted(text: &str) -> String {
    text.replacen(
        "status = \"Discussion\"",
        "status = \"Accepted\"\nresolution = \"https://discuss.example.org/t/9\"",
        1,
    )
}

#[test]
fn superseded_by_writes_both_files_keeping_their_style() {
    let f = Fixture::new();
    // Proposal 2 with CRLF line endings, a byte order mark and comments.
    let two = format!(
        "\u{feff}{}",
        accepted(common::STANDARDS)
            .replacen("type = \"standards\"", "type = \"standards\" # kept", 1)
            .replace('\n', "\r\n")
    );
    f.write("proposals/0002-lockfile.md", &two);
    f.write(
        "proposals/0003-another-lockfile.md",
        accepted(&common::three_text()).replacen(
            "topic = \"lockfile\"\n",
            "replaces = [ 1 ]  # the old one\n",
            1,
        ),
    );
    refused_untouched(
        &f,
        &["status", "2", "Superseded"],
        2,
        "pass --superseded-by ID",
    );
    refused_untouched(
        &f,
        &["status", "2", "Final", "--superseded-by", "3"],
        2,
        "--superseded-by goes with the status Superseded",
    );
    refused_untouched(
        &f,
        &["status", "2", "Superseded", "--superseded-by", "2"],
        2,
        "cannot be superseded by itself",
    );
    f.council()
        .args(["status", "2", "Superseded", "--superseded-by", "3"])
        .assert()
        .success()
        .stdout(contains(
            "proposals/0002-lockfile.md: Accepted -> Superseded",
        ))
        .stdout(contains(
            "proposals/0003-another-lockfile.md: `replaces` lists 2",
        ));
    let two_now = f.read("proposals/0002-lockfile.md");
    assert_eq!(
        two_now,
        two.replacen("status = \"Accepted\"", "status = \"Superseded\"", 1)
            .replacen(
                "discussions-to = \"https://discuss.example.org/t/123\"\r\n",
                "discussions-to = \"https://discuss.example.org/t/123\"\r\nsuperseded-by = 3\r\n",
                1
            )
    );
    assert!(
        f.read("proposals/0003-another-lockfile.md")
            .contains("replaces = [ 1, 2 ]  # the old one\n")
    );
    f.council().arg("check").assert().success();
}

#[test]
fn status_takes_discussions_to_and_resolution() {
    let f = Fixture::new();
    let draft = common::STANDARDS
        .replacen("status = \"Discussion\"", "status = \"Draft\"", 1)
        .replacen(
            "discussions-to = \"https://discuss.example.org/t/123\"\n",
            "",
            1,
        );
    f.write("proposals/0002-lockfile.md", &draft);
    refused_untouched(
        &f,
        &["status", "2", "Discussion"],
        1,
        "would leave it invalid",
    );
    refused_untouched(
        &f,
        &["status", "2", "Discussion", "--discussions-to", "not a url"],
        2,
        "invalid value 'not a url' for '--discussions-to <URL>'",
    );
    f.council()
        .args([
            "status",
            "2",
            "Discussion",
            "--discussions-to",
            "https://d.example.org/t/5",
        ])
        .assert()
        .success();
    assert!(
        f.read("proposals/0002-lockfile.md")
            .contains("discussions-to = \"https://d.example.org/t/5\"")
    );

    // An informational document decided elsewhere: Accepted -> Active with a new resolution.
    let info = common::STANDARDS
        .replacen("id = 2", "id = 3", 1)
        .replacen("type = \"standards\"", "type = \"informational\"", 1)
        .replacen("status = \"Discussion\"", "status = \"Accepted\"\nresolution = \"https://a.example.org/1\"", 1)
        .replacen("topic = \"lockfile\"\n", "", 1)
        .replace("## Rationale\n\nText.\n\n", "")
        .replace("## Backwards Compatibility\n\nText.\n\n## Security Implications\n\nText.\n\n## Reference Implementation\n\nText.\n\n## Rejected Ideas\n\nText.\n", "");
    f.write("proposals/0003-info.md", &info);
    f.council().arg("check").assert().success();
    f.council()
        .args([
            "status",
            "3",
            "Active",
            "--resolution",
            "https://a.example.org/2",
        ])
        .assert()
        .success();
    assert!(
        f.read("proposals/0003-info.md")
            .contains("resolution = \"https://a.example.org/2\"")
    );
    // Grammar: "an informational proposal".
    refused_untouched(
        &f,
        &["status", "3", "Draft"],
        1,
        "from Active an informational proposal may go to Superseded",
    );
}

#[test]
fn new_takes_discussions_to_and_checks_it() {
    let f = Fixture::new();
    let new = |extra: &[&str]| {
        let mut c = f.council();
        c.args(["new", "--title", "Über alles", "--author", "Ada"])
            .args(extra);
        c
    };
    let before = files(f.path());
    // A malformed value is a usage error (docs/behaviour.md), found before anything is read.
    new(&["--discussions-to", "ftp://x"])
        .assert()
        .code(2)
        .stderr(contains("`ftp://x` must be an http or https URL"));
    assert!(files(f.path()) == before);
    new(&["--discussions-to", "https://d.example.org/t/7"])
        .assert()
        .success()
        .stdout(contains("0003-uber-alles.md"));
    let text = f.read("proposals/0003-uber-alles.md");
    assert!(
        text.contains("discussions-to = \"https://d.example.org/t/7\"\n"),
        "{text}"
    );
}

#[test]
fn ids_are_never_reused() {
    let f = Fixture::new();
    // A proposal whose front matter does not parse still holds its id, and so does a name.
    f.write("proposals/0007-broken.md", "+++\nid = 7\ntitle = \n+++\n");
    f.write("proposals/0009-no-front-matter.md", "just text\n");
    f.council()
        .args(["new", "--title", "Next", "--author", "Ada"])
        .assert()
        .success()
        .stdout(contains("proposals/0010-next.md"));
    // The largest id leaves none after it: a refusal, not a wrap to 0.
    f.write(
        "proposals/4294967295-last.md",
        "+++\nid = 4294967295\n+++\n",
    );
    f.refused(
        &["new", "--title", "More", "--author", "Ada"],
        "no id is left",
    );
}

#[test]
fn open_refuses_a_leap_second() {
    let f = Fixture::new();
    refused_untouched(
        &f,
        &[
            "open",
            "lockfile",
            "--closes",
            "2026-12-21T23:59:60Z",
            "--as",
            "ada",
        ],
        2,
        "is a leap second",
    );
    refused_untouched(
        &f,
        &[
            "open",
            "lockfile",
            "--closes",
            "2026-12-21T10:00:00.5Z",
            "--as",
            "ada",
        ],
        2,
        "fraction of a second",
    );
}

#[test]
fn vote_refuses_empty_concerns_and_concerns_with_a_recusal() {
    let f = Fixture::new();
    voting(&f, true);
    let rank = ["vote", "lockfile", "--rank", "0002 > none", "--as", "bob"];
    refused_untouched(&f, &[&rank[..], &["--concern", ""]].concat(), 2, "is empty");
    refused_untouched(
        &f,
        &[&rank[..], &["--concern", "  "]].concat(),
        2,
        "is empty",
    );
    refused_untouched(
        &f,
        &[
            "vote",
            "lockfile",
            "--recuse",
            "--concern",
            "x",
            "--as",
            "bob",
        ],
        2,
        "cannot be used with",
    );
    f.council()
        .args(["vote", "lockfile", "--recuse", "--as", "bob"])
        .assert()
        .success();
    f.council().arg("check").assert().success();
}

#[test]
fn a_replaced_ballot_keeps_its_comments_and_line_endings() {
    let f = Fixture::new();
    voting(&f, true);
    f.write(
        "votes/lockfile/bob.toml",
        "# bob's ballot\r\nranking = [\"0002\", \"none\"] # my first choice\r\ncomment = \"old\"\r\ncast = 2026-12-02T00:00:00Z\r\n",
    );
    f.council()
        .args(["vote", "lockfile", "--rank", "0003 > none", "--as", "bob"])
        .assert()
        .success()
        .stdout(contains("replaced votes/lockfile/bob.toml"));
    assert_eq!(
        f.read("votes/lockfile/bob.toml"),
        "# bob's ballot\r\nranking = [\"0003\", \"none\"] # my first choice\r\ncast = 2026-12-10T12:00:00Z\r\n"
    );
}

#[test]
fn a_delegate_whose_term_ended_cannot_vote_and_check_says_so() {
    let f = Fixture::new();
    voting(&f, true);
    let council = common::COUNCIL.replacen(
        "email = \"bob@example.org\"",
        "email = \"bob@example.org\"\nterm = { from = 2026-01-01, to = 2026-12-05 }",
        1,
    );
    f.write("council.toml", council);
    refused_untouched(
        &f,
        &["vote", "lockfile", "--rank", "0002 > none", "--as", "bob"],
        1,
        "bob's term in council.toml does not cover today (2026-12-10)",
    );
    // A ballot written by hand after the term is flagged.
    f.write(
        "votes/lockfile/bob.toml",
        ranking(&["0002", "none"]) + "cast = 2026-12-08T00:00:00Z\n",
    );
    let found = f.findings();
    assert!(
        found.contains(&(
            "ballot-voter".into(),
            "votes/lockfile/bob.toml".into(),
            2,
            8
        )),
        "{found:?}"
    );
    f.council().arg("check").assert().code(1).stdout(contains(
        "`bob`'s term in council.toml (2026-01-01 to 2026-12-05) does not cover 2026-12-08",
    ));
    // Cast inside the term: fine.
    f.write(
        "votes/lockfile/bob.toml",
        ranking(&["0002", "none"]) + "cast = 2026-12-04T00:00:00Z\n",
    );
    f.council().arg("check").assert().success();
}

#[test]
fn placeholder_text_is_a_warning_then_an_error_at_final() {
    let f = Fixture::new();
    f.council()
        .args(["new", "--title", "Fresh", "--author", "Ada"])
        .assert()
        .success();
    let found = f.findings();
    let placeholders: Vec<_> = found
        .iter()
        .filter(|d| d.0 == "placeholder-text" && d.1 == "proposals/0003-fresh.md")
        .collect();
    assert_eq!(placeholders.len(), 8, "{found:?}");
    assert!(placeholders.contains(&&(
        "placeholder-text".to_owned(),
        "proposals/0003-fresh.md".to_owned(),
        12,
        1
    )));
    f.council().arg("check").assert().success();
    f.council()
        .args(["check", "--explain", "placeholder-text"])
        .assert()
        .success()
        .stdout(contains("an error once the proposal is Final"));

    // A Final proposal with one placeholder left: an error.
    let fin = common::STANDARDS
        .replacen("status = \"Discussion\"", "status = \"Final\"\nresolution = \"https://r.example.org/1\"\nimplementation = \"https://i.example.org\"", 1)
        .replacen("## Motivation\n\nText.", "## Motivation\n\nThe problem it solves and for whom.", 1);
    f.write("proposals/0002-lockfile.md", fin);
    let v = f.check_json(&[]);
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "placeholder-text" && d["file"] == "proposals/0002-lockfile.md")
        .expect("a finding")
        .clone();
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 20);
    f.council()
        .args(["check", "-A", "placeholder-text"])
        .assert()
        .success();
}

#[test]
fn show_names_the_casting_vote_and_tally_the_closed_state() {
    let f = Fixture::new();
    voting(&f, true);
    let late = "2026-12-16T00:00:00Z";
    for (who, rank) in [("ada", "0002 > 0003 > none"), ("bob", "0003 > 0002 > none")] {
        f.council()
            .args(["vote", "lockfile", "--rank", rank, "--as", who])
            .assert()
            .success();
    }
    f.council()
        .env("COUNCIL_NOW", late)
        .args(["vote", "lockfile", "--casting", "0003", "--as", "ada"])
        .assert()
        .success();
    f.council()
        .env("COUNCIL_NOW", late)
        .args(["show", "2"])
        .assert()
        .success()
        .stdout(contains("casting vote of the chair: 0003"));
    f.council()
        .env("COUNCIL_NOW", late)
        .args(["close", "lockfile"])
        .assert()
        .success();
    f.council()
        .env("COUNCIL_NOW", "2026-12-20T00:00:00Z")
        .args(["tally", "lockfile"])
        .assert()
        .success()
        .stdout(contains("(closed)").and(contains("still open").not()))
        .stdout(contains("closed at 2026-12-16T00:00:00+00:00"));
}

#[test]
fn tally_says_one_ballot_not_one_ballots() {
    let f = Fixture::new();
    f.write(
        "proposals/0001-how-we-decide.md",
        common::PROCESS.replacen("quorum = 0", "quorum = 1", 1),
    );
    voting(&f, false);
    f.council()
        .args(["tally", "lockfile"])
        .assert()
        .success()
        .stdout(contains("an option needs 1 ballot ranking it above none"));
}

/// `init` in a folder of proposals that already has problems adopts it: those problems were
/// there. A refused `init` leaves no folder behind.
#[test]
fn init_adopts_existing_proposals_and_a_refusal_leaves_nothing() {
    let f = Fixture::empty();
    f.write(
        "existing/proposals/0005-old.md",
        "+++\nid = 5\ntitle = \n+++\nA proposal from before council.\n",
    );
    f.council().args(["init", "existing"]).assert().success();
    assert!(f.file("existing/council.toml").is_file());

    // --commit outside any git repository is refused before anything is written.
    f.council()
        .env("GIT_CEILING_DIRECTORIES", f.path())
        .args([
            "init",
            "fresh",
            "--delegate",
            "ada Ada Lovelace <ada@example.org>",
            "--resolution",
            "https://discuss.example.org/t/1",
            "--commit",
        ])
        .assert()
        .code(2)
        .stderr(contains("git init"));
    assert!(
        !f.file("fresh").exists(),
        "the refused init left its folder"
    );
}

// ---- starting a repository -------------------------------------------------------------------

/// A home folder whose global git configuration (`HOME/gitconfig`) names Ada.
fn ada_at_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("gitconfig"),
        "[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n[init]\n\tdefaultBranch = main\n",
    )
    .unwrap();
    home
}

/// Runs `script` with `sh -e` in `dir` as a new user would: `council` on the PATH, Ada's git
/// configuration at `home` (never the machine's), the real clock. Its output, asserted to succeed.
fn shell(dir: &std::path::Path, home: &tempfile::TempDir, script: &str) -> String {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_council"))
        .parent()
        .unwrap()
        .to_owned();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let out = std::process::Command::new("sh")
        .args(["-e", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("GIT_CONFIG_GLOBAL", home.path().join("gitconfig"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        .env_remove("COUNCIL_NOW")
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_AUTHOR_DATE")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL")
        .env_remove("GIT_COMMITTER_DATE")
        .env_remove("EMAIL")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{script}\n---\n{text}");
    text
}

/// The commands `init` prints as next steps: its lines indented by two spaces that run
/// `council`, `git` or `cd`.
fn suggested(stdout: &str) -> String {
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(str::trim)
        .filter(|l| ["council ", "git ", "cd "].iter().any(|c| l.starts_with(c)))
        .collect();
    assert!(!lines.is_empty(), "init suggests no command:\n{stdout}");
    lines.join("\n")
}

/// `council audit` and `council check` pass in `dir`, on the real clock.
fn audit_and_check_pass(dir: &std::path::Path, home: &tempfile::TempDir) {
    shell(dir, home, "council audit\ncouncil check");
}

const FOUNDERS: [&str; 7] = [
    "--delegate",
    "ada Ada Lovelace <ada@example.org>",
    "--delegate",
    "grace <grace@example.org>",
    "--chair",
    "ada",
    "--resolution",
];

/// `init --commit` makes the import, so it needs the founding state: without delegates it is
/// refused, saying why, and nothing is written or committed.
#[test]
fn init_commit_needs_the_founding_state() {
    let home = ada_at_home();
    let f = Fixture::empty();
    shell(f.path(), &home, "git init -q");
    let before = files(f.path());
    f.council()
        .env("GIT_CONFIG_GLOBAL", home.path().join("gitconfig"))
        .args(["init", "--commit"])
        .assert()
        .code(2)
        .stderr(contains("the first commit is the import"))
        .stderr(contains("the only commit council does not check"))
        .stderr(contains("--delegate"));
    assert!(files(f.path()) == before, "the refused init wrote files");
    // The options that name the founders are checked too.
    for (args, message) in [
        (
            &[
                "init",
                "--delegate",
                "Ada <ada@example.org>",
                "--resolution",
                "https://x.org/1",
            ][..],
            "--delegate",
        ),
        (
            &[
                "init",
                "--delegate",
                "ada <not-an-email>",
                "--resolution",
                "https://x.org/1",
            ],
            "--delegate",
        ),
        (
            &["init", "--delegate", "ada <ada@example.org>"],
            "--resolution",
        ),
        (
            &[
                "init",
                "--delegate",
                "ada <ada@example.org>",
                "--resolution",
                "https://x.org/1",
                "--chair",
                "bob",
            ],
            "--chair bob",
        ),
        (&["init", "--chair", "ada"], "--delegate"),
    ] {
        f.council()
            .args(args)
            .assert()
            .code(2)
            .stderr(contains(message));
        assert!(files(f.path()) == before, "{args:?} wrote files");
    }
}

/// An orphan branch in a repository with history has no commit yet, but its first would be a
/// second root, not the import: `init --commit` refuses it (attacker review round 3).
#[test]
fn init_commit_refuses_an_orphan_branch_of_a_repository_with_history() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| common::git(dir.path(), args, &[]);
    git(&["init", "-q", "-b", "main"]);
    std::fs::write(dir.path().join("notes.txt"), "history\n").unwrap();
    git(&["add", "notes.txt"]);
    git(&[
        "-c",
        "user.name=A",
        "-c",
        "user.email=a@example.org",
        "commit",
        "-qm",
        "first",
    ]);
    git(&["checkout", "-q", "--orphan", "root2"]);
    git(&["rm", "-rq", "--cached", "."]);
    let out = common::council_in(dir.path(), common::NOW)
        .args([
            "init",
            "--delegate",
            "ada Ada <ada@example.org>",
            "--resolution",
            "https://example.org/agreed",
            "--commit",
        ])
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.org")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.org")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("already has commits"), "{err}");
    assert!(!dir.path().join("council.toml").exists(), "nothing written");
}

/// With its founders named, `init --commit` makes an import that `audit` accepts, with the
/// process document Active; the steps it prints then run, and the history still passes.
#[test]
fn init_with_founders_commits_an_import_that_audits() {
    let home = ada_at_home();
    let f = Fixture::empty();
    shell(f.path(), &home, "git init -q gov");
    let mut args = FOUNDERS.to_vec();
    args.extend([
        "https://discuss.example.org/t/1",
        "--name",
        "Packaging Council",
    ]);
    let out = shell(
        f.path(),
        &home,
        &format!(
            "council init gov {} --commit",
            args.iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    );
    assert!(out.contains("committed"), "{out}");
    let gov = f.file("gov");
    let council = std::fs::read_to_string(gov.join("council.toml")).unwrap();
    for line in [
        "chair = \"ada\"",
        "id = \"ada\"\nname = \"Ada Lovelace\"\nemail = \"ada@example.org\"",
        "id = \"grace\"\nname = \"grace\"\nemail = \"grace@example.org\"",
    ] {
        assert!(council.contains(line), "{line} in\n{council}");
    }
    let process = std::fs::read_to_string(gov.join("proposals/0001-decision-process.md")).unwrap();
    assert!(process.contains("status = \"Active\""), "{process}");
    assert!(
        process.contains("resolution = \"https://discuss.example.org/t/1\""),
        "{process}"
    );
    audit_and_check_pass(&gov, &home);
    shell(f.path(), &home, &suggested(&out));
    audit_and_check_pass(&gov, &home);
    // A second import is not: the repository has its first commit now.
    f.council()
        .env("GIT_CONFIG_GLOBAL", home.path().join("gitconfig"))
        .args([
            "init",
            "gov/second",
            "--delegate",
            "ada <ada@example.org>",
            "--resolution",
            "https://x.org/1",
            "--commit",
        ])
        .assert()
        .code(1)
        .stderr(contains("already has commits"));
    assert!(!gov.join("second").exists());
}

/// Without --commit, the steps `init` prints with founders make the import by hand.
#[test]
fn init_with_founders_prints_steps_that_make_the_import() {
    let home = ada_at_home();
    let f = Fixture::empty();
    let mut args = FOUNDERS.to_vec();
    args.push("https://discuss.example.org/t/1");
    let out = shell(
        f.path(),
        &home,
        &format!(
            "council init {}",
            args.iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    );
    shell(f.path(), &home, &suggested(&out));
    audit_and_check_pass(f.path(), &home);
}

/// A plain `init` writes a draft to edit: its printed steps say what to edit and then run, and
/// the history they make passes `audit`. `council status` is not among them: it cannot make a
/// Draft Active.
#[test]
fn init_without_founders_prints_steps_that_work() {
    let home = ada_at_home();
    let f = Fixture::empty();
    let out = shell(f.path(), &home, "council init");
    assert!(!out.contains("council status"), "{out}");
    assert!(out.contains("[[delegate]]"), "{out}");
    assert!(out.contains("status = \"Active\""), "{out}");
    // The edits the steps ask for.
    let council = f.read("council.toml");
    f.write(
        "council.toml",
        format!("{council}\n[[delegate]]\nid = \"ada\"\nname = \"Ada Lovelace\"\nemail = \"ada@example.org\"\n"),
    );
    let process = f.read("proposals/0001-decision-process.md");
    f.write(
        "proposals/0001-decision-process.md",
        process.replacen(
            "status = \"Draft\"",
            "status = \"Active\"\ndiscussions-to = \"https://discuss.example.org/t/1\"\nresolution = \"https://discuss.example.org/t/1\"",
            1,
        ),
    );
    shell(f.path(), &home, &suggested(&out));
    audit_and_check_pass(f.path(), &home);
}

/// A later command's --commit in a repository without its first commit would make the import
/// without council.toml, which no later commit could bring in: refused, before writing.
#[test]
fn a_later_commit_waits_for_the_import() {
    let home = ada_at_home();
    let f = Fixture::empty();
    shell(f.path(), &home, "git init -q && council init");
    let before = files(f.path());
    f.council()
        .env("GIT_CONFIG_GLOBAL", home.path().join("gitconfig"))
        .args(["new", "--title", "first", "--commit"])
        .assert()
        .code(1)
        .stderr(contains("the first commit is the import"))
        .stderr(contains("Make the import first"));
    assert!(files(f.path()) == before, "the refused new wrote files");
    assert!(!shell(f.path(), &home, "git log 2>&1 || true").contains("commit "));
}

/// README's "Start a new governance repository", run as written: then `audit` and `check` pass.
#[test]
fn the_readme_starts_a_repository_that_audits() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = readme
        .split("\n## Start a new governance repository\n")
        .nth(1)
        .expect("README has a section \"Start a new governance repository\"");
    let script = section
        .split("```sh\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("the section has a sh block");
    let home = ada_at_home();
    let work = tempfile::tempdir().unwrap();
    shell(work.path(), &home, script);
    let gov = work.path().join("governance");
    assert!(gov.join("council.toml").is_file());
    audit_and_check_pass(&gov, &home);
}

/// Proposals written before council are part of the founding state: `init --commit` imports
/// them with council.toml, so they keep their status (a later commit could add them only as
/// Drafts).
#[test]
fn init_commit_imports_the_proposals_already_there() {
    let home = ada_at_home();
    let f = Fixture::empty();
    f.write("proposals/0002-lockfile.md", common::STANDARDS);
    let mut args = FOUNDERS.to_vec();
    args.push("https://discuss.example.org/t/1");
    shell(
        f.path(),
        &home,
        &format!(
            "git init -q && council init {} --commit",
            args.iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    );
    let imported = shell(f.path(), &home, "git show --name-only --format= HEAD");
    assert_eq!(
        imported,
        "council.toml\nproposals/0001-decision-process.md\nproposals/0002-lockfile.md\n"
    );
    audit_and_check_pass(f.path(), &home);
}
