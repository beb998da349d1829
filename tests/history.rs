//! History checks on real git repositories built in temp directories, with commits by several
//! authors: forged, misattributed, unsigned, wrongly signed and late ballots, forbidden
//! transitions, outcomes the tally does not support, edits during voting.

mod common;

use std::path::Path;

use common::{Fixture, git as git_in, ranking};
use predicates::prelude::*;
use predicates::str::contains;

const ADA: (&str, &str) = ("Ada Lovelace", "ada@example.org");
const BOB: (&str, &str) = ("Bob Builder", "bob@example.org");
const CY: (&str, &str) = ("Cy Young", "cy@example.org");
const MALLORY: (&str, &str) = ("Mallory", "mallory@example.org");

/// Commits everything as `who` on `date`, optionally signed with an SSH key file.
fn commit(f: &Fixture, who: (&str, &str), date: &str, msg: &str, key: Option<&Path>) -> String {
    git_in(f.path(), &["add", "-A"], &[]);
    let mut args: Vec<String> = vec![
        "-c".into(),
        format!("user.name={}", who.0),
        "-c".into(),
        format!("user.email={}", who.1),
    ];
    if let Some(k) = key {
        args.extend([
            "-c".into(),
            "gpg.format=ssh".into(),
            "-c".into(),
            format!("user.signingkey={}", k.display()),
        ]);
    }
    args.extend([
        "commit".into(),
        "-q".into(),
        "--allow-empty".into(),
        "-m".into(),
        msg.into(),
    ]);
    if key.is_some() {
        args.push("-S".into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let d = format!("{date}T12:00:00+00:00");
    git_in(
        f.path(),
        &args,
        &[("GIT_AUTHOR_DATE", &d), ("GIT_COMMITTER_DATE", &d)],
    );
    git_in(f.path(), &["rev-parse", "--short=7", "HEAD"], &[])
        .trim()
        .to_owned()
}

/// Merges `branch` into the current branch with a merge commit by `who` on `date`.
fn merge(f: &Fixture, who: (&str, &str), date: &str, msg: &str, branch: &str) {
    let (name, email) = (
        format!("user.name={}", who.0),
        format!("user.email={}", who.1),
    );
    let d = format!("{date}T12:00:00+00:00");
    git_in(
        f.path(),
        &[
            "-c", &name, "-c", &email, "merge", "-q", "--no-ff", "-m", msg, branch,
        ],
        &[("GIT_AUTHOR_DATE", &d), ("GIT_COMMITTER_DATE", &d)],
    );
}

/// A repository whose first commit holds the fixture, and whose second opens voting on
/// `lockfile` (proposals 2 and 3) from 2026-12-01 to 2026-12-15.
fn repo() -> Fixture {
    let f = Fixture::new();
    f.write(
        "proposals/0003-another.md",
        common::STANDARDS
            .replacen("id = 2", "id = 3", 1)
            .replacen("A standard", "Another", 1),
    );
    git_in(f.path(), &["init", "-q", "-b", "main"], &[]);
    commit(&f, ADA, "2026-11-01", "import", None);
    f.council()
        .env("COUNCIL_NOW", "2026-12-01T00:00:00Z")
        .args(["open", "lockfile", "--days", "14", "--as", "ada"])
        .assert()
        .success();
    commit(&f, ADA, "2026-12-01", "open(lockfile)", None);
    f
}

fn audit(f: &Fixture) -> (i32, String) {
    let out = f.council().args(["audit"]).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap(), text)
}

fn vote(f: &Fixture, who: &str, r: &[&str]) {
    f.write(&format!("votes/lockfile/{who}.toml"), ranking(r));
}

#[test]
fn a_clean_history_passes() {
    let f = repo();
    vote(&f, "ada", &["0002", "0003", "none"]);
    commit(&f, ADA, "2026-12-02", "vote(lockfile): ada", None);
    vote(&f, "bob", &["0002", "none"]);
    commit(&f, BOB, "2026-12-03", "vote(lockfile): bob", None);
    vote(&f, "cy", &["0003", "0002"]);
    commit(&f, CY, "2026-12-04", "vote(lockfile): cy", None);
    f.council()
        .env("COUNCIL_NOW", "2026-12-16T00:00:00Z")
        .args(["close", "lockfile"])
        .assert()
        .success();
    commit(&f, ADA, "2026-12-16", "close(lockfile)", None);
    let (code, text) = audit(&f);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(
            "audited 6 commits: 3 ballot changes and 1 decision verified; 0 errors, 0 warnings"
        ),
        "{text}"
    );
    let v = common::json(f.council().args(["audit", "--format", "json"]));
    assert_eq!(
        (
            v["commits"].as_u64(),
            v["ballots"].as_u64(),
            v["errors"].as_u64()
        ),
        (Some(6), Some(3), Some(0))
    );
    f.council()
        .env("COUNCIL_NOW", "2026-12-16T13:00:00Z")
        .args(["check", "--base", "HEAD~1"])
        .assert()
        .success();
}

/// `check --base` reads the first 64 commits of a range ahead (while the files load) and the
/// rest as it goes: a long pull request, with a merge on either side of that line, is judged
/// the same all along it, and as `audit` judges it.
#[test]
fn a_long_pull_request_is_judged_commit_by_commit() {
    let f = repo();
    git_in(f.path(), &["checkout", "-q", "-b", "side"], &[]);
    vote(&f, "ada", &["0002", "none"]);
    commit(&f, ADA, "2026-12-02", "vote(lockfile): ada", None);
    git_in(f.path(), &["checkout", "-q", "main"], &[]);
    git_in(f.path(), &["checkout", "-q", "-b", "pr"], &[]);
    let mut forged = Vec::new();
    for n in 1..=70 {
        match n {
            // Mallory's ballots for bob, inside and past the commits read ahead.
            3 | 67 => {
                vote(&f, "bob", &[if n == 3 { "0002" } else { "0003" }, "none"]);
                forged.push(commit(&f, MALLORY, "2026-12-02", "a ballot for bob", None));
            }
            10 => merge(&f, ADA, "2026-12-02", "merge", "side"),
            65 => {
                // The side branch moves on, and is merged again past the line.
                git_in(f.path(), &["checkout", "-q", "side"], &[]);
                vote(&f, "ada", &["0003", "none"]);
                commit(&f, ADA, "2026-12-02", "vote(lockfile): ada again", None);
                git_in(f.path(), &["checkout", "-q", "pr"], &[]);
                merge(&f, ADA, "2026-12-02", "merge", "side");
            }
            _ => {
                f.write("notes.txt", format!("revision {n}\n"));
                commit(&f, CY, "2026-12-02", "notes", None);
            }
        }
    }
    let out = f
        .council()
        .env("COUNCIL_NOW", "2026-12-03T00:00:00Z")
        .args(["check", "--base", "main"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{text}");
    for id in &forged {
        assert!(
            text.contains(&format!(
                "commit {id} (Mallory <mallory@example.org>): added votes/lockfile/bob.toml"
            )) || text.contains(&format!(
                "commit {id} (Mallory <mallory@example.org>): changed votes/lockfile/bob.toml"
            )),
            "{id}: {text}"
        );
    }
    assert!(text.contains("2 errors"), "{text}");
    // audit of the same history, merged: the same two commits, nothing else.
    git_in(f.path(), &["checkout", "-q", "main"], &[]);
    git_in(f.path(), &["merge", "-q", "--ff-only", "pr"], &[]);
    let (code, text) = audit(&f);
    assert_eq!(code, 1, "{text}");
    for id in &forged {
        assert!(
            text.contains(&format!("commit {id} (Mallory")),
            "{id}: {text}"
        );
    }
    assert!(text.contains(" 2 errors"), "{text}");
}

#[test]
fn forged_and_misattributed_ballots_are_caught() {
    let f = repo();
    vote(&f, "ada", &["0002", "none"]);
    let forged = commit(&f, MALLORY, "2026-12-02", "a ballot for ada", None);
    vote(&f, "ada", &["0003", "none"]);
    let edited = commit(&f, BOB, "2026-12-03", "fix ada's ballot", None);
    let (code, text) = audit(&f);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains(&format!("error[ballot-author]: commit {forged} (Mallory <mallory@example.org>): added votes/lockfile/ada.toml, which only ada (ada@example.org) may change")), "{text}");
    assert!(
        text.contains(&format!(
            "commit {edited} (Bob Builder <bob@example.org>): changed votes/lockfile/ada.toml"
        )),
        "{text}"
    );
    // check --base covers the same range, and GitHub output names the commit too.
    f.council()
        .args(["check", "--base", "HEAD~2", "--format", "github"])
        .assert()
        .code(1)
        .stdout(contains(format!(
            "::error file=votes/lockfile/ada.toml,line=1,col=1,title=ballot-author::commit {forged}"
        )));
    // Only the last commit: just bob's edit.
    let v = common::json(
        f.council()
            .args(["check", "--base", "HEAD~1", "--format", "json"]),
    );
    assert_eq!(v["errors"], 1, "{v}");
}

#[test]
fn the_casting_vote_belongs_to_the_chair() {
    let f = repo();
    f.write("votes/lockfile/casting.toml", "winner = \"0002\"\n");
    commit(&f, BOB, "2026-12-16", "casting", None);
    let (code, text) = audit(&f);
    assert_eq!(code, 1);
    assert!(
        text.contains("(the casting vote), which only ada (ada@example.org) may change"),
        "{text}"
    );
}

#[test]
fn late_and_early_ballots_are_caught() {
    let f = repo();
    vote(&f, "ada", &["0002", "none"]);
    let late = commit(&f, ADA, "2026-12-20", "late", None);
    let (code, text) = audit(&f);
    assert_eq!(code, 1);
    assert!(text.contains(&format!("error[ballot-timing]: commit {late} (Ada Lovelace <ada@example.org>): added votes/lockfile/ada.toml at 2026-12-20T12:00:00Z, after the window closed at 2026-12-15T00:00:00Z")), "{text}");
    // check --base counts the change as made now, and says so beside the commit's own date.
    let out = f
        .council()
        .env("COUNCIL_NOW", "2026-12-21T00:00:00Z")
        .args(["check", "--base", "HEAD~1"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("added votes/lockfile/ada.toml at 2026-12-21T00:00:00Z (now: check --base counts a change as made when it runs; the commit is dated 2026-12-20T12:00:00Z)"), "{text}");

    let g = Fixture::new();
    git_in(g.path(), &["init", "-q"], &[]);
    commit(&g, ADA, "2026-11-01", "import", None);
    g.write("votes/lockfile/ada.toml", ranking(&["0002"]));
    commit(&g, ADA, "2026-11-02", "too early", None);
    let (_, text) = audit(&g);
    assert!(
        text.contains("while decision `lockfile` had no record"),
        "{text}"
    );
}

#[test]
fn ballots_after_closing_are_caught() {
    let f = repo();
    vote(&f, "ada", &["0002", "none"]);
    commit(&f, ADA, "2026-12-02", "vote", None);
    vote(&f, "bob", &["0002", "none"]);
    commit(&f, BOB, "2026-12-02", "vote", None);
    f.council()
        .env("COUNCIL_NOW", "2026-12-03T00:00:00Z")
        .args(["vote", "lockfile", "--as", "cy", "--recuse"])
        .assert()
        .success();
    commit(&f, CY, "2026-12-03", "recuse", None);
    f.council()
        .env("COUNCIL_NOW", "2026-12-04T00:00:00Z")
        .args(["close", "lockfile"])
        .assert()
        .success();
    commit(&f, ADA, "2026-12-04", "close", None);
    vote(&f, "bob", &["0003", "none"]);
    commit(&f, BOB, "2026-12-05", "changed my mind", None);
    let (_, text) = audit(&f);
    assert!(
        text.contains("changed votes/lockfile/bob.toml after decision `lockfile` was closed"),
        "{text}"
    );
}

#[test]
fn forbidden_transitions_and_new_proposals_not_in_draft() {
    let f = repo();
    f.write(
        "proposals/0002-lockfile.md",
        f.read("proposals/0002-lockfile.md").replacen(
            "status = \"Voting\"",
            "status = \"Draft\"",
            1,
        ),
    );
    let bad = commit(&f, BOB, "2026-12-02", "back to draft", None);
    f.write(
        "proposals/0009-new.md",
        common::STANDARDS
            .replacen("id = 2", "id = 9", 1)
            .replacen("topic = \"lockfile\"\n", "", 1),
    );
    let added = commit(&f, BOB, "2026-12-02", "new proposal", None);
    let (code, text) = audit(&f);
    assert_eq!(code, 1);
    assert!(text.contains(&format!("error[status-transition]: commit {bad} (Bob Builder <bob@example.org>): moved proposals/0002-lockfile.md from Voting to Draft, which is not an allowed transition")), "{text}");
    assert!(text.contains(&format!("error[proposal-start]: commit {added} (Bob Builder <bob@example.org>): added proposals/0009-new.md as Discussion; a new proposal starts as Draft")), "{text}");
}

#[test]
fn an_outcome_the_tally_does_not_support_is_caught() {
    let f = repo();
    vote(&f, "ada", &["none"]);
    commit(&f, ADA, "2026-12-02", "vote", None);
    vote(&f, "bob", &["none"]);
    commit(&f, BOB, "2026-12-02", "vote", None);
    for (p, st) in [
        ("proposals/0002-lockfile.md", "Accepted"),
        ("proposals/0003-another.md", "Rejected"),
    ] {
        f.write(
            p,
            f.read(p)
                .replacen("status = \"Voting\"", &format!("status = \"{st}\""), 1),
        );
    }
    let bad = commit(&f, ADA, "2026-12-16", "accept 0002 anyway", None);
    let (code, text) = audit(&f);
    assert_eq!(code, 1);
    assert!(text.contains(&format!("error[status-transition]: commit {bad} (Ada Lovelace <ada@example.org>): moved proposals/0002-lockfile.md out of Voting to Accepted by hand")), "{text}");
    assert!(
        text.contains("moved proposals/0003-another.md out of Voting to Rejected by hand"),
        "{text}"
    );
}

#[test]
fn text_under_vote_is_frozen() {
    let f = repo();
    let p = "proposals/0002-lockfile.md";
    f.write(
        p,
        f.read(p).replacen(
            "## Specification\n\nText.",
            "## Specification\n\nBetter text.",
            1,
        ),
    );
    let edit = commit(&f, ADA, "2026-12-02", "improve the spec", None);
    f.write(
        p,
        f.read(p).replacen(
            "A standard lockfile format",
            "The standard lockfile format",
            1,
        ),
    );
    commit(&f, ADA, "2026-12-02", "retitle", None);
    let (code, text) = audit(&f);
    assert_eq!(code, 1);
    assert!(text.contains(&format!("error[frozen-text]: commit {edit} (Ada Lovelace <ada@example.org>): changed proposals/0002-lockfile.md (line 26) while it is in Voting")), "{text}");
    assert!(
        text.contains("changed proposals/0002-lockfile.md (line 3) while it is in Voting"),
        "{text}"
    );
}

#[test]
fn signed_ballots_must_carry_the_delegates_signature() {
    let keys = tempfile::tempdir().unwrap();
    let Some((ada_key, ada_pub)) = common::keygen(keys.path(), "ada") else {
        return;
    };
    let Some((other_key, _)) = common::keygen(keys.path(), "other") else {
        return;
    };
    let f = Fixture::new();
    f.write("council.toml", common::council_with_ada_key(&ada_pub));
    f.write(
        "proposals/0003-another.md",
        common::STANDARDS
            .replacen("id = 2", "id = 3", 1)
            .replacen("A standard", "Another", 1),
    );
    git_in(f.path(), &["init", "-q"], &[]);
    commit(&f, ADA, "2026-11-01", "import", None);
    f.council()
        .env("COUNCIL_NOW", "2026-12-01T00:00:00Z")
        .args(["open", "lockfile", "--days", "14", "--as", "ada"])
        .assert()
        .success();
    commit(&f, ADA, "2026-12-01", "open", Some(&ada_key));

    vote(&f, "ada", &["0002", "none"]);
    commit(&f, ADA, "2026-12-02", "signed vote", Some(&ada_key));
    let (code, text) = audit(&f);
    assert_eq!(code, 0, "a correctly signed ballot passes: {text}");

    vote(&f, "ada", &["0003", "none"]);
    let unsigned = commit(&f, ADA, "2026-12-03", "unsigned vote", None);
    vote(&f, "ada", &["0003", "0002", "none"]);
    let wrong = commit(
        &f,
        ADA,
        "2026-12-04",
        "signed by the wrong key",
        Some(&other_key),
    );
    let (code, text) = audit(&f);
    assert_eq!(code, 1);
    assert!(text.contains(&format!("error[ballot-signature]: commit {unsigned} (Ada Lovelace <ada@example.org>): changed votes/lockfile/ada.toml, but the commit is not signed")), "{text}");
    assert!(text.contains(&format!("error[ballot-signature]: commit {wrong} (Ada Lovelace <ada@example.org>): changed votes/lockfile/ada.toml, but")), "{text}");
    // bob has no key: his unsigned ballot is fine.
    vote(&f, "bob", &["0002"]);
    commit(&f, BOB, "2026-12-05", "bob", None);
    f.council()
        .args(["check", "--base", "HEAD~1"])
        .assert()
        .success();
}

#[test]
fn tally_at_a_revision_and_show_history() {
    let f = repo();
    vote(&f, "ada", &["0002", "none"]);
    commit(&f, ADA, "2026-12-02", "vote(lockfile): ada", None);
    vote(&f, "bob", &["0003", "none"]);
    commit(&f, BOB, "2026-12-03", "vote(lockfile): bob", None);
    let now = |c: &mut assert_cmd::Command| {
        c.env("COUNCIL_NOW", "2026-12-10T00:00:00Z");
    };
    let mut c = f.council();
    now(&mut c);
    let out = c
        .args(["tally", "--at", "HEAD~1", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["ballots"]["cast"], 1);
    let v = common::json(f.council().args(["tally", "--format", "json"]));
    assert_eq!(v[0]["ballots"]["cast"], 2);
    f.council()
        .args(["tally", "--at", "nope"])
        .assert()
        .code(2)
        .stderr(contains("cannot resolve revision `nope`"));

    f.council().args(["show", "2"]).assert().success().stdout(
        contains("history (2 commits, newest first):")
            .and(contains(
                "Ada Lovelace <ada@example.org>  open(lockfile)  [Discussion -> Voting]",
            ))
            .and(contains("import  [created as Discussion]")),
    );
    let v = common::json(f.council().args(["show", "2", "--format", "json"]));
    assert_eq!(v["history"][0]["status-change"], "Discussion -> Voting");
    assert_eq!(v["history"][1]["email"], "ada@example.org");
}

#[test]
fn shallow_clones_say_what_they_could_not_verify() {
    let f = repo();
    vote(&f, "ada", &["0002", "none"]);
    commit(&f, ADA, "2026-12-02", "vote", None);
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", f.path().display());
    git_in(
        clone.path(),
        &["clone", "-q", "--depth", "1", &url, "c"],
        &[],
    );
    let dir = clone.path().join("c");
    let mut c = assert_cmd::Command::cargo_bin("council").unwrap();
    let out = c
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .arg("audit")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(
            "warning[history-incomplete]: this is a shallow clone: history before commit"
        ),
        "{text}"
    );
    let mut c = assert_cmd::Command::cargo_bin("council").unwrap();
    c.current_dir(&dir)
        .args(["check", "--base", "HEAD~3"])
        .assert()
        .code(2)
        .stderr(contains("shallow clone"));
}

/// A shallow clone that cuts a merged branch short, or the first-parent line above the
/// repository's first commit: what lies beyond the cut is unverified (`history-incomplete`),
/// not an unrelated history or a second first commit (`history-root`). Attacker review.
#[test]
fn a_shallow_cut_through_a_merge_is_incomplete_not_unrelated() {
    let f = repo();
    git_in(f.path(), &["checkout", "-q", "-b", "side"], &[]);
    for n in 1..=5 {
        f.write("side.txt", format!("{n}\n"));
        commit(&f, CY, "2026-12-02", "side", None);
    }
    git_in(f.path(), &["checkout", "-q", "main"], &[]);
    git_in(f.path(), &["checkout", "-q", "-b", "pr"], &[]);
    f.write("a.txt", "a\n");
    commit(&f, CY, "2026-12-02", "a", None);
    merge(&f, CY, "2026-12-02", "merge side", "side");
    let now = "2026-12-03T00:00:00Z";
    f.council()
        .env("COUNCIL_NOW", now)
        .args(["check", "--base", "main"])
        .assert()
        .success();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", f.path().display());
    let run = |depth: &str, args: &[&str]| {
        let dir = clone.path().join(depth);
        if !dir.exists() {
            git_in(
                clone.path(),
                &[
                    "clone",
                    "-q",
                    "--no-single-branch",
                    "--depth",
                    depth,
                    &url,
                    depth,
                ],
                &[],
            );
        }
        let mut c = assert_cmd::Command::cargo_bin("council").unwrap();
        let out = c
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .env("COUNCIL_NOW", now)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // Depth 3 from pr: the merge, `a` and the open commit on the first-parent line; the side
    // branch cut after two of its five commits.
    for args in [&["check", "--base", "origin/main"][..], &["audit"]] {
        let (code, text) = run("3", args);
        assert_eq!(code, Some(0), "{args:?}: {text}");
        assert!(!text.contains("history-root"), "{args:?}: {text}");
        assert!(
            text.contains("warning[history-incomplete]"),
            "{args:?}: {text}"
        );
    }
}

/// `audit` of a shallow clone whose first-parent line is cut while a merged branch reaches the
/// history's first commit: that commit is not a second root (attacker review).
#[test]
fn a_shallow_cut_above_the_first_commit_is_incomplete_not_a_second_root() {
    let f = repo();
    git_in(f.path(), &["checkout", "-q", "-b", "side", "HEAD~1"], &[]);
    f.write("side.txt", "side\n");
    commit(&f, CY, "2026-12-02", "side", None);
    git_in(f.path(), &["checkout", "-q", "main"], &[]);
    for n in 1..=5 {
        f.write("a.txt", format!("{n}\n"));
        commit(&f, CY, "2026-12-02", "a", None);
    }
    merge(&f, CY, "2026-12-02", "merge side", "side");
    assert_eq!(audit(&f).0, 0);
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", f.path().display());
    // Depth 4: the merge and three of the main line; through the side branch, the first commit.
    git_in(
        clone.path(),
        &["clone", "-q", "--depth", "4", &url, "c"],
        &[],
    );
    let mut c = assert_cmd::Command::cargo_bin("council").unwrap();
    let out = c
        .current_dir(clone.path().join("c"))
        .env("NO_COLOR", "1")
        .arg("audit")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains("history-root"), "{text}");
    assert!(
        text.contains("whether it is the history's first commit could not be verified"),
        "{text}"
    );
}

#[test]
fn without_git_the_history_features_say_why() {
    let f = Fixture::new();
    f.council().arg("check").assert().success();
    f.council().arg("tally").assert().success();
    for args in [
        vec!["audit"],
        vec!["check", "--base", "HEAD"],
        vec!["tally", "--at", "HEAD"],
    ] {
        f.council()
            .args(&args)
            .assert()
            .code(2)
            .stderr(contains("is not in a git repository"));
    }
    f.council()
        .args(["show", "2"])
        .assert()
        .success()
        .stdout(contains("history: unavailable"));
}

#[test]
fn a_merge_is_not_blamed_for_what_its_branches_did() {
    let f = repo();
    git_in(f.path(), &["checkout", "-q", "-b", "bob-votes"], &[]);
    vote(&f, "bob", &["0002", "none"]);
    commit(&f, BOB, "2026-12-02", "vote(lockfile): bob", None);
    git_in(f.path(), &["checkout", "-q", "main"], &[]);
    vote(&f, "ada", &["0003", "none"]);
    commit(&f, ADA, "2026-12-03", "vote(lockfile): ada", None);
    merge(&f, ADA, "2026-12-04", "merge bob's vote", "bob-votes");
    let (code, text) = audit(&f);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("audited 5 commits: 2 ballot changes"),
        "{text}"
    );
}

/// A key-holding delegate who follows docs/signing.md: `vote --commit` goes through `git
/// commit`, so it signs (and runs the repository's hooks), and `check --base` is clean.
#[test]
fn vote_commit_signs_as_git_is_set_up_to_and_runs_hooks() {
    let keys = tempfile::tempdir().unwrap();
    let Some((ada_key, ada_pub)) = common::keygen(keys.path(), "ada") else {
        return;
    };
    let f = Fixture::new();
    f.write("council.toml", common::council_with_ada_key(&ada_pub));
    git_in(f.path(), &["init", "-q", "-b", "main"], &[]);
    commit(&f, ADA, "2026-11-01", "import", None);
    f.council()
        .env("COUNCIL_NOW", "2026-12-01T00:00:00Z")
        .args(["open", "lockfile", "--days", "14", "--as", "ada"])
        .assert()
        .success();
    commit(&f, ADA, "2026-12-01", "open", Some(&ada_key));
    let base = git_in(f.path(), &["rev-parse", "HEAD"], &[])
        .trim()
        .to_owned();
    let hook = f.file(".git/hooks/pre-commit");
    std::fs::write(
        &hook,
        "#!/bin/sh\ntouch \"$(git rev-parse --git-dir)/hook-ran\"\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let config = keys.path().join("gitconfig");
    let now = "2026-12-02T00:00:00Z";
    // Without signing set up, council refuses before writing anything.
    std::fs::write(
        &config,
        "[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n",
    )
    .unwrap();
    f.council()
        .env("GIT_CONFIG_GLOBAL", &config)
        .env("COUNCIL_NOW", now)
        .args(["vote", "lockfile", "approve", "--commit"])
        .assert()
        .code(1)
        .stderr(contains("must carry an SSH signature"));
    assert!(!f.file("votes/lockfile/ada.toml").exists());
    // As docs/signing.md says.
    std::fs::write(
        &config,
        format!(
            "[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n\tsigningkey = {}\n[commit]\n\tgpgsign = true\n[gpg]\n\tformat = ssh\n",
            ada_key.with_extension("pub").display()
        ),
    )
    .unwrap();
    f.council()
        .env("GIT_CONFIG_GLOBAL", &config)
        .env("COUNCIL_NOW", now)
        .env("GIT_AUTHOR_DATE", "2026-12-02T00:00:00+00:00")
        .env("GIT_COMMITTER_DATE", "2026-12-02T00:00:00+00:00")
        .args(["vote", "lockfile", "approve", "--commit"])
        .assert()
        .success()
        .stdout(contains("committed"));
    assert!(f.file(".git/hook-ran").exists(), "the pre-commit hook ran");
    let sig = git_in(f.path(), &["cat-file", "commit", "HEAD"], &[]);
    assert!(sig.contains("-----BEGIN SSH SIGNATURE-----"), "{sig}");
    f.council()
        .env("COUNCIL_NOW", "2026-12-02T00:00:00Z")
        .args(["check", "--base", &base])
        .assert()
        .success();
}
