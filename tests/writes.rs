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
        .args(["init", "fresh", "--commit"])
        .assert()
        .failure();
    assert!(
        !f.file("fresh").exists(),
        "the refused init left its folder"
    );
}
