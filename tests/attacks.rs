//! Attacks on the history of a governance repository (SPEC section 7), and normal work that must
//! pass. One clean base history is built once with council's own commands and the git CLI (four
//! delegates, two of them with SSH keys and signed commits; one closed decision, two running),
//! copied per test, and each attack adds its commits on its own branch. Every attack asserts
//! that both `council check --base <base>` and `council audit` exit 1 and name the attacking
//! commit (the `commit` field of a JSON diagnostic) under the rule expected.

mod common;

use common::git as run_git;

use std::path::{Path, PathBuf};
use std::process::Command as Std;
use std::sync::OnceLock;

use assert_cmd::Command;
use serde_json::Value;

/// The tests' clock: both running decisions (opened 2026-12-01, 14 days) are still open.
const NOW: &str = "2026-12-10T12:00:00+00:00";
/// A clock after both running windows closed.
const LATER: &str = "2026-12-31T12:00:00+00:00";

#[derive(Clone, Copy)]
struct Who {
    id: &'static str,
    name: &'static str,
    email: &'static str,
    /// The file name of this person's SSH key in the keys directory, if they sign.
    key: Option<&'static str>,
}

const ADA: Who = Who {
    id: "ada",
    name: "Ada Lovelace",
    email: "ada@example.org",
    key: Some("ada"),
};
const BOB: Who = Who {
    id: "bob",
    name: "Bob Builder",
    email: "bob@example.org",
    key: Some("bob"),
};
const CY: Who = Who {
    id: "cy",
    name: "Cy Young",
    email: "cy@example.org",
    key: None,
};
const DAN: Who = Who {
    id: "dan",
    name: "Dan Brown",
    email: "dan@example.org",
    key: None,
};
const MALLORY: Who = Who {
    id: "mallory",
    name: "Mallory",
    email: "mallory@example.org",
    key: None,
};

/// `2026-12-05` is noon UTC that day; a full time is taken as it is.
fn t(s: &str) -> String {
    if s.len() == 10 {
        format!("{s}T12:00:00+00:00")
    } else {
        s.to_owned()
    }
}

fn sections(ty: &str) -> &'static str {
    if ty == "standards" {
        "## Abstract\n\nText.\n\n## Motivation\n\nText.\n\n## Rationale\n\nText.\n\n## Specification\n\nText.\n\n## Backwards Compatibility\n\nText.\n\n## Security Implications\n\nText.\n\n## Reference Implementation\n\nText.\n\n## Rejected Ideas\n\nText.\n"
    } else {
        "## Abstract\n\nText.\n\n## Motivation\n\nText.\n\n## Specification\n\nText.\n"
    }
}

/// A proposal's text; `extra` is more front matter (after the fixed fields).
fn proposal(
    id: u32,
    title: &str,
    status: &str,
    ty: &str,
    topic: Option<&str>,
    extra: &str,
) -> String {
    let topic = topic.map_or(String::new(), |t| format!("topic = \"{t}\"\n"));
    format!(
        "+++\nid = {id}\ntitle = \"{title}\"\nauthors = [\"Ada Lovelace <ada@example.org>\"]\nstatus = \"{status}\"\ntype = \"{ty}\"\n{topic}created = 2026-10-01\ndiscussions-to = \"https://discuss.example.org/t/{id}\"\n{extra}+++\n\n{}",
        sections(ty)
    )
}

const RULES: &str = "resolution = \"https://discuss.example.org/t/1/9\"\n\n[rules]\nquorum = 0\nmin-ballots = \"majority\"\nvoting-days = 14\nclose-early = true\nconcerns-block = true\nopen-by = \"delegates\"\n\n[rules.majority]\nstandards = \"1:1\"\nprocess = \"2:1\"\ninformational = \"1:1\"\n";

fn council_toml(ada_pub: &str, bob_pub: &str) -> String {
    format!(
        r#"name = "Test Council"
process = 1
chair = "ada"

[[delegate]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.org"
key = "{ada_pub}"

[[delegate]]
id = "bob"
name = "Bob Builder"
email = "bob@example.org"
key = "{bob_pub}"

[[delegate]]
id = "cy"
name = "Cy Young"
email = "cy@example.org"

[[delegate]]
id = "dan"
name = "Dan Brown"
email = "dan@example.org"
term = {{ from = 2026-01-01, to = 2027-12-31 }}
"#
    )
}

/// One copy of the base: `root/repo` is the repository, `root/keys` the SSH keys.
struct Gov {
    _tmp: Option<tempfile::TempDir>,
    root: PathBuf,
    /// The full id of the base history's last commit.
    base: String,
}

struct Base {
    root: PathBuf,
    base: String,
}

fn keygen(dir: &Path, name: &str) -> Option<String> {
    common::keygen(dir, name).map(|(_, public)| public)
}

static BASE: OnceLock<Option<Base>> = OnceLock::new();

/// The base history, built once per test run.
fn build_base() -> Option<Base> {
    remove_stale_bases();
    let root = tempfile::Builder::new()
        .prefix("council-attacks-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap()
        .keep();
    let keys = root.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::create_dir_all(root.join("repo")).unwrap();
    let ada_pub = keygen(&keys, "ada")?;
    let bob_pub = keygen(&keys, "bob")?;
    keygen(&keys, "other")?;
    keygen(&keys, "bob2")?;
    let g = Gov {
        _tmp: None,
        root: root.clone(),
        base: String::new(),
    };
    g.git(&["init", "-q", "-b", "main"]);
    g.write("council.toml", council_toml(&ada_pub, &bob_pub));
    g.write(
        "proposals/0001-how-we-decide.md",
        proposal(1, "How we decide", "Active", "process", None, RULES),
    );
    let discussion = [
        (
            2,
            "lockfile",
            "A lockfile format",
            "standards",
            Some("lockfile"),
        ),
        (
            3,
            "another-lockfile",
            "Another lockfile format",
            "standards",
            Some("lockfile"),
        ),
        (4, "registry-a", "A registry", "standards", Some("registry")),
        (
            5,
            "registry-b",
            "Another registry",
            "standards",
            Some("registry"),
        ),
        (6, "mirrors", "Mirrors", "informational", None),
        (7, "signing", "Signing packages", "standards", None),
    ];
    for (id, slug, title, ty, topic) in discussion {
        g.write(
            &format!("proposals/{id:04}-{slug}.md"),
            proposal(id, title, "Discussion", ty, topic, ""),
        );
    }
    g.write(
        "proposals/0009-new-process.md",
        proposal(
            9,
            "How we decide now",
            "Draft",
            "process",
            None,
            "\n[rules]\nquorum = 1\nmin-ballots = \"majority\"\n",
        ),
    );
    g.commit(ADA, "2026-11-01", "import");
    // A closed decision: lockfile (0002 accepted, 0003 rejected).
    g.ok(
        "2026-11-02",
        &["open", "lockfile", "--days", "14", "--as", "ada"],
    );
    g.commit(ADA, "2026-11-02", "open(lockfile)");
    for (who, day, rank) in [
        (ADA, "2026-11-03", "0002 > 0003 > none"),
        (BOB, "2026-11-04", "0002 > none"),
        (CY, "2026-11-05", "0003 > 0002 > none"),
        (DAN, "2026-11-06", "0002 > 0003 > none"),
    ] {
        g.ok(day, &["vote", "lockfile", "--rank", rank, "--as", who.id]);
        g.commit(who, day, &format!("vote(lockfile): {}", who.id));
    }
    g.ok("2026-11-20", &["close", "lockfile"]);
    g.commit(CY, "2026-11-20", "close(lockfile)");
    // Two running decisions: registry (0004 and 0005, ada and cy voted, a tie so far) and
    // 0006 (bob voted).
    g.ok(
        "2026-12-01",
        &["open", "registry", "--days", "14", "--as", "bob"],
    );
    g.commit(BOB, "2026-12-01", "open(registry)");
    g.ok(
        "2026-12-01T13:00:00+00:00",
        &["open", "0006", "--days", "14", "--as", "cy"],
    );
    g.commit(CY, "2026-12-01T13:00:00+00:00", "open(0006)");
    g.ok(
        "2026-12-02",
        &[
            "vote",
            "registry",
            "--rank",
            "0004 > 0005 > none",
            "--as",
            "ada",
        ],
    );
    g.commit(ADA, "2026-12-02", "vote(registry): ada");
    g.ok(
        "2026-12-03",
        &[
            "vote",
            "registry",
            "--rank",
            "0005 > 0004 > none",
            "--as",
            "cy",
        ],
    );
    g.commit(CY, "2026-12-03", "vote(registry): cy");
    g.ok("2026-12-04", &["vote", "0006", "approve", "--as", "bob"]);
    g.commit(BOB, "2026-12-04", "vote(0006): bob");
    let base = g.head();
    Some(Base { root, base })
}

/// The base outlives the test run (a static is never dropped): removes those of earlier runs,
/// an hour old or more.
fn remove_stale_bases() {
    let Ok(entries) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else {
        return;
    };
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 3600);
        if old
            && e.file_name()
                .to_string_lossy()
                .starts_with("council-attacks-")
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A fresh copy of the base history; `None` only where ssh-keygen is missing and
/// COUNCIL_TESTS_NO_SSH says to skip (see `common::keygen`).
fn gov() -> Option<Gov> {
    let b = BASE.get_or_init(build_base).as_ref()?;
    let tmp = tempfile::Builder::new()
        .prefix("council-attack-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    let st = Std::new("cp")
        .arg("-a")
        .arg(format!("{}/.", b.root.display()))
        .arg(tmp.path())
        .status()
        .unwrap();
    assert!(st.success());
    let g = Gov {
        root: tmp.path().to_owned(),
        _tmp: Some(tmp),
        base: b.base.clone(),
    };
    Some(g)
}

/// A copy of the base on a new branch `attack`.
fn attack() -> Option<Gov> {
    let g = gov()?;
    g.git(&["checkout", "-q", "-b", "attack"]);
    Some(g)
}

impl Gov {
    fn dir(&self) -> PathBuf {
        self.root.join("repo")
    }

    fn key(&self, name: &str) -> PathBuf {
        self.root.join("keys").join(name)
    }

    fn pubkey(&self, name: &str) -> String {
        std::fs::read_to_string(self.key(name).with_extension("pub"))
            .unwrap()
            .trim()
            .to_owned()
    }

    fn git(&self, args: &[&str]) -> String {
        run_git(&self.dir(), args, &[])
    }

    fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }

    fn short(&self, rev: &str) -> String {
        self.git(&["rev-parse", "--short=7", rev]).trim().to_owned()
    }

    /// `git <args>` as `who`, signing with `key` (a key file name) when given, at the dates.
    fn git_as(
        &self,
        who: Who,
        key: Option<&str>,
        author: &str,
        committer: &str,
        args: &[&str],
    ) -> String {
        let mut all: Vec<String> = vec![
            "-c".into(),
            format!("user.name={}", who.name),
            "-c".into(),
            format!("user.email={}", who.email),
        ];
        if let Some(k) = key {
            all.extend([
                "-c".into(),
                "gpg.format=ssh".into(),
                "-c".into(),
                format!("user.signingkey={}", self.key(k).display()),
                "-c".into(),
                "commit.gpgsign=true".into(),
            ]);
        }
        all.extend(args.iter().map(|s| (*s).to_owned()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let (a, c) = (t(author), t(committer));
        run_git(
            &self.dir(),
            &all,
            &[("GIT_AUTHOR_DATE", &a), ("GIT_COMMITTER_DATE", &c)],
        )
    }

    /// Starts a merge of `branch` as `who` on `date`, stopping before its commit, so that a test
    /// can change what the merge keeps.
    fn merge_uncommitted(&self, who: Who, date: &str, branch: &str) {
        self.git_as(
            who,
            None,
            date,
            date,
            &["merge", "-q", "--no-ff", "--no-commit", branch],
        );
    }

    /// Commits everything as `who` (signed with their own key if they have one); the short id.
    fn commit(&self, who: Who, date: &str, msg: &str) -> String {
        self.commit_with(who, who.key, date, date, msg)
    }

    fn commit_with(
        &self,
        who: Who,
        key: Option<&str>,
        author: &str,
        committer: &str,
        msg: &str,
    ) -> String {
        self.git(&["add", "-A"]);
        self.git_as(
            who,
            key,
            author,
            committer,
            &["commit", "-q", "--allow-empty", "-m", msg],
        );
        self.short("HEAD")
    }

    fn council(&self, now: &str) -> Command {
        common::council_in(&self.dir(), &t(now))
    }

    /// Runs a council command that must succeed.
    fn ok(&self, now: &str, args: &[&str]) {
        let out = self.council(now).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "council {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir().join(rel)
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Replaces the first `from` in a file (which must be there) with `to`.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no `{from}`:\n{text}");
        self.write(rel, text.replacen(from, to, 1));
    }

    fn remove(&self, rel: &str) {
        let p = self.path(rel);
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            std::fs::remove_file(p).unwrap();
        }
    }

    fn symlink(&self, target: &str, rel: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, p).unwrap();
    }

    /// A ranking ballot for `who` written by hand.
    fn ballot(&self, decision: &str, who: &str, ranking: &str) {
        let list: Vec<String> = ranking
            .split('>')
            .map(|e| format!("{:?}", e.trim()))
            .collect();
        self.write(
            &format!("votes/{decision}/{who}.toml"),
            format!("ranking = [{}]\n", list.join(", ")),
        );
    }

    fn set_status(&self, rel: &str, from: &str, to: &str) {
        self.edit(
            rel,
            &format!("status = \"{from}\""),
            &format!("status = \"{to}\""),
        );
    }

    /// `council <args> --format json` at `now`: (exit code, parsed output, raw text).
    fn json(&self, now: &str, args: &[&str]) -> (i32, Value, String) {
        let out = self
            .council(now)
            .args(args)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code().unwrap_or(-1), v, text)
    }

    fn check_base(&self, now: &str) -> (i32, Value, String) {
        self.json(now, &["check", "--base", &self.base.clone()])
    }

    fn audit(&self, now: &str) -> (i32, Value, String) {
        self.json(now, &["audit"])
    }

    /// Both `check --base` and `audit` exit 1 and blame `commit` under one of `rules`.
    fn caught(&self, commit: &str, rules: &[&str]) {
        self.caught_at(NOW, commit, rules);
    }

    fn caught_at(&self, now: &str, commit: &str, rules: &[&str]) {
        for (what, (code, v, text)) in [
            ("check --base", self.check_base(now)),
            ("audit", self.audit(now)),
        ] {
            assert_eq!(code, 1, "{what} should exit 1 for commit {commit}:\n{text}");
            assert!(
                blames(&v, commit, rules),
                "{what} should blame commit {commit} under {rules:?}:\n{text}"
            );
        }
    }

    /// Both `check --base` and `audit` exit 0 at `now`.
    fn clean(&self, now: &str) {
        for (what, (code, _, text)) in [
            ("check --base", self.check_base(now)),
            ("audit", self.audit(now)),
        ] {
            assert_eq!(code, 0, "{what} should pass:\n{text}");
        }
    }
}

/// Whether a JSON report has an error diagnostic naming `commit` under one of `rules`.
fn blames(v: &Value, commit: &str, rules: &[&str]) -> bool {
    diags(v).iter().any(|d| {
        d["severity"] == "error"
            && d["commit"].as_str().is_some_and(|c| c.starts_with(commit))
            && d["rule"].as_str().is_some_and(|r| rules.contains(&r))
    })
}

fn diags(v: &Value) -> Vec<Value> {
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// Whether a JSON report has an error diagnostic with `rule`, whatever its commit.
fn has_rule(v: &Value, rule: &str) -> bool {
    diags(v)
        .iter()
        .any(|d| d["severity"] == "error" && d["rule"] == rule)
}

macro_rules! attack {
    ($g:ident) => {
        let Some($g) = attack() else {
            return;
        };
    };
}

const P4: &str = "proposals/0004-registry-a.md";
const P5: &str = "proposals/0005-registry-b.md";
const P6: &str = "proposals/0006-mirrors.md";
const P7: &str = "proposals/0007-signing.md";
const P2: &str = "proposals/0002-lockfile.md";
const P3: &str = "proposals/0003-another-lockfile.md";
const P9: &str = "proposals/0009-new-process.md";
const PROCESS: &str = "proposals/0001-how-we-decide.md";

fn delegate(id: &str, name: &str, email: &str) -> String {
    format!("\n[[delegate]]\nid = \"{id}\"\nname = \"{name}\"\nemail = \"{email}\"\n")
}

// ---------------------------------------------------------------------------------------------
// The base itself.

#[test]
fn the_base_history_is_clean() {
    let Some(g) = gov() else { return };
    // (`check --base` holds every change in its range to the current time, so a range reaching
    // back to the closed decision's ballots would call them late: it starts at the base.)
    for (what, (code, _, text)) in [
        ("check --base HEAD", g.check_base(NOW)),
        ("audit", g.audit(NOW)),
        ("check", g.json(NOW, &["check"])),
    ] {
        assert_eq!(code, 0, "{what}:\n{text}");
    }
    // The base has what the attacks rely on.
    assert!(g.read("decisions/lockfile.toml").contains("[closed]"));
    assert!(g.path("decisions/registry.toml").is_file());
    assert!(g.path("decisions/0006.toml").is_file());
    assert!(g.read(P2).contains("status = \"Accepted\""));
    assert!(g.read(P3).contains("status = \"Rejected\""));
}

const EVE: Who = Who {
    id: "eve",
    name: "Eve",
    email: "eve@example.org",
    key: None,
};

impl Gov {
    /// A new branch `name` from `from`, checked out.
    fn branch(&self, name: &str, from: &str) {
        self.git(&["checkout", "-q", "-b", name, from]);
    }

    fn checkout(&self, name: &str) {
        self.git(&["checkout", "-q", name]);
    }

    /// Adds a delegate to council.toml.
    fn add_delegate(&self, who: Who) {
        let text = self.read("council.toml") + &delegate(who.id, who.name, who.email);
        self.write("council.toml", text);
    }

    /// Some harmless work on proposal 7 (in Discussion) by cy.
    fn side_work(&self, date: &str) -> String {
        self.edit(P7, "## Rationale\n\nText.", "## Rationale\n\nMore text.");
        self.commit(CY, date, "0007: rationale")
    }

    /// Either of `commits` blamed under one of `rules` by both commands.
    fn caught_any(&self, now: &str, commits: &[&str], rules: &[&str]) {
        for (what, (code, v, text)) in [
            ("check --base", self.check_base(now)),
            ("audit", self.audit(now)),
        ] {
            assert_eq!(code, 1, "{what} should exit 1:\n{text}");
            assert!(
                commits.iter().any(|c| blames(&v, c, rules)),
                "{what} should blame one of {commits:?} under {rules:?}:\n{text}"
            );
        }
    }

    /// Plain `check` (no history) exits 1 with `rule`.
    fn check_files_fail(&self, rule: &str) {
        let (code, v, text) = self.json(NOW, &["check"]);
        assert_eq!(code, 1, "check should exit 1:\n{text}");
        assert!(has_rule(&v, rule), "check should report {rule}:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// council.toml

#[test]
fn a_stranger_adds_themselves_as_delegate_then_votes() {
    attack!(g);
    g.add_delegate(MALLORY);
    let join = g.commit(MALLORY, "2026-12-05", "add me");
    g.ballot("registry", "mallory", "0004 > none");
    let vote = g.commit(MALLORY, "2026-12-06", "vote(registry): mallory");
    g.caught(&join, &["council-change"]);
    g.caught(&vote, &["ballot-voter", "ballot-author"]);
}

#[test]
fn a_stranger_adds_friends_as_delegates_who_vote() {
    attack!(g);
    g.add_delegate(EVE);
    g.add_delegate(Who {
        id: "trent",
        name: "Trent",
        email: "trent@example.org",
        key: None,
    });
    let join = g.commit(MALLORY, "2026-12-05", "add friends");
    g.ballot("0006", "eve", "none > 0006");
    let vote = g.commit(EVE, "2026-12-06", "vote(0006): eve");
    g.caught(&join, &["council-change"]);
    g.caught(&vote, &["ballot-voter", "ballot-author"]);
}

#[test]
fn a_delegate_who_is_not_chair_adds_a_friend() {
    attack!(g);
    g.add_delegate(EVE);
    let c = g.commit(DAN, "2026-12-05", "add eve");
    g.caught(&c, &["council-change"]);
}

#[test]
fn a_stranger_changes_a_delegates_email_then_votes_as_them() {
    attack!(g);
    g.edit("council.toml", "dan@example.org", "mallory@example.org");
    let change = g.commit(MALLORY, "2026-12-05", "dan's new address");
    g.ballot("registry", "dan", "0005 > none");
    let vote = g.commit(MALLORY, "2026-12-06", "vote(registry): dan");
    g.caught(&change, &["council-change"]);
    g.caught(&vote, &["ballot-author"]);
}

#[test]
fn a_delegate_changes_another_delegates_email() {
    attack!(g);
    g.edit("council.toml", "cy@example.org", "cy@elsewhere.example");
    let c = g.commit(BOB, "2026-12-05", "cy moved");
    g.caught(&c, &["council-change"]);
}

#[test]
fn a_stranger_swaps_a_delegates_key_then_forges_a_signed_ballot() {
    attack!(g);
    let (bob, other) = (g.pubkey("bob"), g.pubkey("other"));
    g.edit("council.toml", &bob, &other);
    let swap = g.commit(MALLORY, "2026-12-05", "bob's new key");
    g.ballot("registry", "bob", "0005 > none");
    let forged = g.commit_with(
        BOB,
        Some("other"),
        "2026-12-06",
        "2026-12-06",
        "vote(registry): bob",
    );
    g.caught(&swap, &["council-change"]);
    g.caught(&forged, &["ballot-signature"]);
}

#[test]
fn a_delegate_rotates_their_key_signing_with_the_new_one() {
    attack!(g);
    let (bob, bob2) = (g.pubkey("bob"), g.pubkey("bob2"));
    g.edit("council.toml", &bob, &bob2);
    let c = g.commit_with(
        BOB,
        Some("bob2"),
        "2026-12-05",
        "2026-12-05",
        "rotate my key",
    );
    g.caught(&c, &["council-change"]);
}

#[test]
fn a_delegate_changes_their_email_authoring_with_the_new_one() {
    attack!(g);
    g.edit("council.toml", "bob@example.org", "bob@elsewhere.example");
    let new_bob = Who {
        email: "bob@elsewhere.example",
        ..BOB
    };
    let c = g.commit(new_bob, "2026-12-05", "my new address");
    g.caught(&c, &["council-change"]);
}

#[test]
fn the_chair_changes_council_toml_without_signing() {
    attack!(g);
    g.edit(
        "council.toml",
        "name = \"Test Council\"",
        "name = \"The Council\"",
    );
    let c = g.commit_with(ADA, None, "2026-12-05", "2026-12-05", "rename");
    g.caught(&c, &["council-change"]);
}

#[test]
fn a_delegate_makes_themselves_chair_then_casts_the_casting_vote() {
    attack!(g);
    g.edit("council.toml", "chair = \"ada\"", "chair = \"dan\"");
    let coup = g.commit(DAN, "2026-12-05", "I chair now");
    g.write("votes/registry/casting.toml", "winner = \"0005\"\n");
    let cast = g.commit(DAN, "2026-12-06", "casting(registry)");
    g.caught(&coup, &["council-change"]);
    g.caught(&cast, &["ballot-author"]);
}

#[test]
fn the_chair_points_process_at_a_draft() {
    attack!(g);
    g.edit("council.toml", "process = 1", "process = 9");
    let c = g.commit(ADA, "2026-12-05", "new rules");
    g.caught(&c, &["council-change"]);
}

#[test]
fn a_delegate_ends_another_delegates_term() {
    attack!(g);
    g.edit("council.toml", "to = 2027-12-31", "to = 2026-11-30");
    let c = g.commit(BOB, "2026-12-05", "dan's term is over");
    g.caught(&c, &["council-change"]);
}

#[test]
fn a_stranger_gives_a_delegate_a_term_that_has_ended() {
    attack!(g);
    g.edit(
        "council.toml",
        "email = \"cy@example.org\"\n",
        "email = \"cy@example.org\"\nterm = { from = 2025-01-01, to = 2025-12-31 }\n",
    );
    let c = g.commit(MALLORY, "2026-12-05", "cy's term");
    g.caught(&c, &["council-change"]);
}

// ---------------------------------------------------------------------------------------------
// The rules of the process document in force, while votes run.

fn rules_attack(from: &str, to: &str, who: Who) {
    attack!(g);
    g.edit(PROCESS, from, to);
    let c = g.commit(who, "2026-12-05", "adjust the rules");
    g.caught(&c, &["rules-change"]);
}

#[test]
fn the_chair_raises_the_quorum_during_a_vote() {
    rules_attack("quorum = 0", "quorum = 3", ADA);
}

#[test]
fn a_delegate_changes_the_majority_ratio_during_a_vote() {
    rules_attack("standards = \"1:1\"", "standards = \"3:1\"", BOB);
}

#[test]
fn a_delegate_drops_concerns_block_during_a_vote() {
    rules_attack("concerns-block = true", "concerns-block = false", CY);
}

#[test]
fn a_stranger_changes_min_ballots_during_a_vote() {
    rules_attack(
        "min-ballots = \"majority\"",
        "min-ballots = \"all\"",
        MALLORY,
    );
}

// ---------------------------------------------------------------------------------------------
// Lowering the locked rules.

#[test]
fn lints_allowing_ballot_author_with_a_forged_ballot_in_the_same_commit() {
    attack!(g);
    let text = g.read("council.toml") + "\n[lints]\nballot-author = \"allow\"\n";
    g.write("council.toml", text);
    g.ballot("registry", "dan", "0004 > none");
    let c = g.commit(ADA, "2026-12-05", "quiet lints; dan's ballot");
    for (what, (code, v, text)) in [("check --base", g.check_base(NOW)), ("audit", g.audit(NOW))] {
        assert_eq!(code, 1, "{what}:\n{text}");
        assert!(
            has_rule(&v, "locked-rule"),
            "{what} must report the lowering:\n{text}"
        );
        assert!(
            blames(&v, &c, &["ballot-author"]),
            "{what} must still catch the ballot:\n{text}"
        );
    }
}

#[test]
fn allowing_ballot_author_on_the_command_line_does_not_hide_a_forgery() {
    attack!(g);
    g.ballot("registry", "dan", "0004 > none");
    let c = g.commit(MALLORY, "2026-12-05", "dan's ballot");
    let base = g.base.clone();
    for flag in ["-A", "-W"] {
        let (code, v, text) = g.json(NOW, &["check", "--base", &base, flag, "ballot-author"]);
        assert_eq!(code, 1, "{flag}:\n{text}");
        assert!(blames(&v, &c, &["ballot-author"]), "{flag}:\n{text}");
    }
    g.caught(&c, &["ballot-author"]);
}

// ---------------------------------------------------------------------------------------------
// Decision records.

#[test]
fn a_stranger_opens_a_vote() {
    attack!(g);
    g.ok("2026-12-05", &["open", "0007", "--as", "cy"]);
    let c = g.commit(MALLORY, "2026-12-05", "open(0007)");
    g.caught(&c, &["record-change"]);
}

/// cy opens 0007 with council, then `change` edits the record, in the same commit.
fn forged_open(change: impl FnOnce(&Gov)) {
    attack!(g);
    g.ok(
        "2026-12-05",
        &["open", "0007", "--as", "cy", "--days", "14"],
    );
    change(&g);
    let c = g.commit(CY, "2026-12-05", "open(0007)");
    g.caught(&c, &["record-change"]);
}

#[test]
fn a_record_created_without_an_elector() {
    forged_open(|g| {
        g.edit(
            "decisions/0007.toml",
            "[[elector]]\nid = \"dan\"\nemail = \"dan@example.org\"\n",
            "",
        );
    });
}

#[test]
fn a_record_created_with_an_extra_elector() {
    forged_open(|g| {
        g.edit(
            "decisions/0007.toml",
            "[[elector]]\nid = \"dan\"",
            "[[elector]]\nid = \"mallory\"\nemail = \"mallory@example.org\"\n\n[[elector]]\nid = \"dan\"",
        );
    });
}

#[test]
fn a_record_created_with_a_wrong_text_pin() {
    forged_open(|g| {
        let rec = g.read("decisions/0007.toml");
        let start = rec.find("text = \"").unwrap() + 8;
        let pin = rec[start..start + 40].to_owned();
        g.edit("decisions/0007.toml", &pin, &"a".repeat(40));
    });
}

#[test]
fn a_record_created_with_an_option_that_is_not_in_the_vote() {
    forged_open(|g| {
        g.edit(
            "decisions/0007.toml",
            "\n[[elector]]",
            "\n[[option]]\nid = 6\nfile = \"proposals/0006-mirrors.md\"\ntext = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\ntype = \"informational\"\nmajority = \"1:1\"\n\n[[elector]]",
        );
    });
}

#[test]
fn a_record_created_with_other_rules() {
    forged_open(|g| g.edit("decisions/0007.toml", "quorum = 0", "quorum = 3"));
}

#[test]
fn a_record_created_with_another_majority() {
    forged_open(|g| {
        g.edit(
            "decisions/0007.toml",
            "majority = \"1:1\"",
            "majority = \"3:1\"",
        )
    });
}

#[test]
fn a_record_created_with_a_window_longer_than_a_year() {
    forged_open(|g| {
        g.edit(
            "decisions/0007.toml",
            "closes = 2026-12-19T12:00:00Z",
            "closes = 2028-12-19T12:00:00Z",
        )
    });
}

/// The electors are the delegates whose term covers the opening: a record backdated to before
/// a new delegate's term began leaves them out, while the record still looks consistent.
#[test]
fn a_record_backdated_to_leave_out_a_new_delegate() {
    attack!(g);
    let text = g.read("council.toml")
        + &delegate(EVE.id, EVE.name, EVE.email)
        + "term = { from = 2026-12-05, to = 2027-12-31 }\n";
    g.write("council.toml", text);
    g.commit(ADA, "2026-12-05", "welcome eve");
    g.ok(
        "2026-12-06",
        &["open", "0007", "--as", "cy", "--days", "14"],
    );
    let rec = g.read("decisions/0007.toml");
    assert!(rec.contains("id = \"eve\""), "{rec}");
    g.edit(
        "decisions/0007.toml",
        "opened = 2026-12-06T12:00:00Z",
        "opened = 2026-12-04T12:00:00Z",
    );
    g.edit(
        "decisions/0007.toml",
        "[[elector]]\nid = \"eve\"\nemail = \"eve@example.org\"\n",
        "",
    );
    let c = g.commit(CY, "2026-12-06", "open(0007)");
    g.caught(&c, &["record-change"]);
}

#[test]
fn a_record_created_together_with_a_ballot() {
    forged_open(|g| g.ballot("0007", "cy", "0007 > none"));
}

#[test]
fn a_running_record_has_its_window_moved() {
    attack!(g);
    g.edit(
        "decisions/registry.toml",
        "closes = 2026-12-15T12:00:00Z",
        "closes = 2026-12-25T12:00:00Z",
    );
    let c = g.commit(ADA, "2026-12-05", "more time");
    g.caught(&c, &["record-change"]);
}

#[test]
fn a_running_record_gains_an_elector() {
    attack!(g);
    let text = g.read("decisions/registry.toml").replacen(
        "\n[rules]",
        "[[elector]]\nid = \"eve\"\nemail = \"eve@example.org\"\n\n[rules]",
        1,
    );
    g.write("decisions/registry.toml", text);
    let c = g.commit(ADA, "2026-12-05", "eve votes too");
    g.caught(&c, &["record-change"]);
}

#[test]
fn a_closed_record_is_deleted() {
    attack!(g);
    g.remove("decisions/lockfile.toml");
    let c = g.commit(MALLORY, "2026-12-05", "forget lockfile");
    g.caught(&c, &["record-change"]);
}

#[test]
fn a_closed_record_is_reopened_by_hand() {
    attack!(g);
    let rec = g.read("decisions/lockfile.toml");
    let cut = rec.find("\n[closed]").unwrap();
    g.write("decisions/lockfile.toml", &rec[..cut + 1]);
    g.set_status(P2, "Accepted", "Voting");
    g.set_status(P3, "Rejected", "Voting");
    let c = g.commit(ADA, "2026-12-05", "reopen lockfile");
    g.caught(&c, &["record-change", "status-transition"]);
}

#[test]
fn a_closed_record_forged_with_the_wrong_winner() {
    attack!(g);
    for (who, day) in [(ADA, "2026-12-05"), (CY, "2026-12-06"), (DAN, "2026-12-07")] {
        g.ok(day, &["vote", "0006", "approve", "--as", who.id]);
        g.commit(who, day, "vote(0006)");
    }
    g.ok("2026-12-08", &["close", "0006"]);
    g.edit(
        "decisions/0006.toml",
        "winners = [\"0006\"]",
        "winners = [\"none\"]",
    );
    g.edit(
        "decisions/0006.toml",
        "\"0006\" = \"Accepted\"",
        "\"0006\" = \"Rejected\"",
    );
    g.set_status(P6, "Accepted", "Rejected");
    let c = g.commit(MALLORY, "2026-12-08", "close(0006)");
    g.caught(&c, &["record-change", "status-tally"]);
}

#[test]
fn closed_while_the_window_is_open_and_electors_are_missing() {
    attack!(g);
    // Three of four ballots and a clear winner: only the open window (dan may still vote) makes
    // the count `open` rather than `decided`.
    g.ok(
        "2026-12-04T12:00:00+00:00",
        &[
            "vote",
            "registry",
            "--rank",
            "0004 > 0005 > none",
            "--as",
            "bob",
        ],
    );
    g.commit(BOB, "2026-12-04T12:00:00+00:00", "vote(registry): bob");
    let text = g.read("decisions/registry.toml")
        + "\n[closed]\nat = 2026-12-05T12:00:00Z\nstate = \"decided\"\nwinners = [\"0004\"]\noutcome = { \"0004\" = \"Accepted\", \"0005\" = \"Rejected\" }\n";
    g.write("decisions/registry.toml", text);
    g.set_status(P4, "Voting", "Accepted");
    g.set_status(P5, "Voting", "Rejected");
    let c = g.commit(ADA, "2026-12-05", "close(registry)");
    g.caught(&c, &["record-change", "status-tally"]);
    let (_, _, text) = g.check_base(NOW);
    assert!(
        text.contains("open"),
        "the count says the vote is open:\n{text}"
    );
}

#[test]
fn a_delegate_who_is_not_chair_cancels_a_vote() {
    attack!(g);
    g.ok("2026-12-05", &["cancel", "registry", "--as", "ada"]);
    let c = g.commit(BOB, "2026-12-05", "cancel(registry)");
    g.caught(&c, &["record-change"]);
}

#[test]
fn the_chair_removes_a_record_but_keeps_its_ballots() {
    attack!(g);
    g.remove("decisions/registry.toml");
    g.set_status(P4, "Voting", "Discussion");
    g.set_status(P5, "Voting", "Discussion");
    let c = g.commit(ADA, "2026-12-05", "cancel(registry), by hand");
    g.caught(&c, &["record-change", "ballot-decision"]);
}

// ---------------------------------------------------------------------------------------------
// Statuses.

#[test]
fn voting_to_accepted_by_hand() {
    attack!(g);
    g.set_status(P6, "Voting", "Accepted");
    let c = g.commit(CY, "2026-12-05", "0006 is accepted");
    g.caught(&c, &["status-transition", "voting-record", "status-tally"]);
}

#[test]
fn discussion_to_voting_without_a_record() {
    attack!(g);
    g.set_status(P7, "Discussion", "Voting");
    let c = g.commit(CY, "2026-12-05", "vote on 0007");
    g.caught(&c, &["status-transition", "voting-record"]);
}

#[test]
fn a_proposal_added_as_accepted() {
    attack!(g);
    g.write(
        "proposals/0010-sneaky.md",
        proposal(
            10,
            "Sneaky",
            "Accepted",
            "standards",
            None,
            "resolution = \"https://discuss.example.org/t/10/1\"\n",
        ),
    );
    let c = g.commit(MALLORY, "2026-12-05", "add 0010");
    g.caught(&c, &["proposal-start"]);
}

#[test]
fn rejected_back_to_discussion() {
    attack!(g);
    g.set_status(P3, "Rejected", "Discussion");
    let c = g.commit(CY, "2026-12-05", "try 0003 again");
    g.caught(&c, &["status-transition"]);
}

#[test]
fn accepted_back_to_draft() {
    attack!(g);
    g.set_status(P2, "Accepted", "Draft");
    let c = g.commit(ADA, "2026-12-05", "rework 0002");
    g.caught(&c, &["status-transition"]);
}

// ---------------------------------------------------------------------------------------------
// Frozen text.

fn frozen(file: &str, from: &str, to: &str) {
    attack!(g);
    g.edit(file, from, to);
    let c = g.commit(ADA, "2026-12-05", "small fix");
    g.caught(&c, &["frozen-text"]);
}

#[test]
fn body_edited_while_voting() {
    frozen(
        P4,
        "## Specification\n\nText.",
        "## Specification\n\nBetter text.",
    );
}

#[test]
fn title_edited_while_voting() {
    frozen(
        P5,
        "title = \"Another registry\"",
        "title = \"The registry\"",
    );
}

#[test]
fn type_changed_while_voting() {
    frozen(P6, "type = \"informational\"", "type = \"process\"");
}

#[test]
fn topic_changed_while_voting() {
    frozen(P4, "topic = \"registry\"", "topic = \"registry-v2\"");
}

#[test]
fn laundering_voting_through_discussion_by_hand() {
    attack!(g);
    g.set_status(P6, "Voting", "Discussion");
    let out = g.commit(CY, "2026-12-05", "back to discussion");
    g.edit(
        P6,
        "## Specification\n\nText.",
        "## Specification\n\nOther text.",
    );
    g.set_status(P6, "Discussion", "Voting");
    let back = g.commit(CY, "2026-12-06", "and back to voting");
    g.caught(&out, &["status-transition", "voting-record"]);
    g.caught(
        &back,
        &["frozen-text", "status-transition", "voting-record"],
    );
}

#[test]
fn a_proposal_in_voting_is_deleted() {
    attack!(g);
    g.remove(P5);
    let c = g.commit(MALLORY, "2026-12-05", "drop 0005");
    g.caught(&c, &["proposal-identity", "frozen-text"]);
}

// ---------------------------------------------------------------------------------------------
// Time.

#[test]
fn a_late_ballot_with_a_backdated_author_date() {
    attack!(g);
    g.ballot("registry", "dan", "0004 > none");
    let c = g.commit_with(DAN, None, "2026-12-05", "2026-12-20", "vote(registry): dan");
    g.caught_at(LATER, &c, &["ballot-timing"]);
}

#[test]
fn commit_dates_going_backwards() {
    attack!(g);
    g.ballot("registry", "dan", "0004 > none");
    let c = g.commit(DAN, "2026-12-03T18:00:00+00:00", "vote(registry): dan");
    g.caught(&c, &["commit-time"]);
}

#[test]
fn a_ballot_changed_after_close() {
    attack!(g);
    g.ballot("lockfile", "cy", "0002 > 0003 > none");
    let c = g.commit(CY, "2026-12-05", "changed my mind");
    g.caught(&c, &["ballot-timing"]);
}

#[test]
fn a_ballot_added_to_a_closed_decision_by_a_new_delegate() {
    attack!(g);
    g.add_delegate(EVE);
    let welcome = g.commit(ADA, "2026-12-05", "welcome eve");
    g.ballot("lockfile", "eve", "0003 > none");
    let c = g.commit(EVE, "2026-12-06", "vote(lockfile): eve");
    let _ = welcome;
    g.caught(&c, &["ballot-timing", "ballot-voter"]);
}

#[test]
fn a_commit_dated_in_the_future() {
    attack!(g);
    g.ballot("registry", "dan", "0004 > none");
    let c = g.commit(DAN, "2027-01-05", "vote(registry): dan");
    // Only `check --base` holds the range to the current time.
    let (code, v, text) = g.check_base(NOW);
    assert_eq!(code, 1, "{text}");
    assert!(blames(&v, &c, &["commit-time", "ballot-timing"]), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Merges.

#[test]
fn a_late_ballot_brought_in_by_a_merge() {
    attack!(g);
    g.branch("dan-vote", &g.base.clone());
    g.ballot("registry", "dan", "0004 > none");
    g.commit(DAN, "2026-12-05", "vote(registry): dan");
    g.checkout("attack");
    g.side_work("2026-12-06");
    g.git_as(
        ADA,
        ADA.key,
        "2026-12-20",
        "2026-12-20",
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "merge dan's vote",
            "dan-vote",
        ],
    );
    let m = g.short("HEAD");
    g.caught_at(LATER, &m, &["ballot-timing"]);
}

/// dan's ballot on 0006, cast on a branch (at `cast`) before the chair cancels the vote; then
/// `reopen` opens it again on the main line, and Mallory merges the old branch: the merge.
fn merge_a_cancelled_vote_s_ballot(g: &Gov, cast: &str, reopen: impl FnOnce(&Gov)) -> String {
    g.branch("dan-vote", "attack");
    g.ok(cast, &["vote", "0006", "approve", "--as", "dan"]);
    g.commit(DAN, cast, "vote(0006): dan");
    g.checkout("attack");
    g.ok(
        "2026-12-05T12:00:00+00:00",
        &["cancel", "0006", "--as", "ada"],
    );
    g.commit(ADA, "2026-12-05T12:00:00+00:00", "cancel(0006)");
    reopen(g);
    g.git_as(
        MALLORY,
        None,
        "2026-12-08",
        "2026-12-08",
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "merge an old branch",
            "dan-vote",
        ],
    );
    g.short("HEAD")
}

/// A ballot cast before the vote was cancelled, left on a branch, then merged by anyone into
/// the vote opened again on a revised text: a vote in dan's name that dan never cast in it.
#[test]
fn a_ballot_from_a_cancelled_vote_merged_into_the_reopened_one() {
    attack!(g);
    let m = merge_a_cancelled_vote_s_ballot(&g, "2026-12-05", |g| {
        g.edit(
            P6,
            "## Specification\n\nText.",
            "## Specification\n\nRevised text.",
        );
        g.commit(CY, "2026-12-06", "0006: revise the specification");
        g.ok("2026-12-07", &["open", "0006", "--days", "7", "--as", "cy"]);
        g.commit(CY, "2026-12-07", "open(0006)");
    });
    g.caught(&m, &["ballot-timing"]);
}

/// The same, with the vote opened again by its first opener with a record byte for byte the
/// old one (`opened` set back to the first opening, the same window): still another vote.
#[test]
fn a_cancelled_vote_s_ballot_merged_into_a_byte_identical_reopening() {
    attack!(g);
    let record = g.read("decisions/0006.toml");
    let m = merge_a_cancelled_vote_s_ballot(&g, "2026-12-02", |g| {
        g.ok(
            "2026-12-01T13:00:00+00:00",
            &["open", "0006", "--days", "14", "--as", "cy"],
        );
        assert_eq!(g.read("decisions/0006.toml"), record, "byte for byte");
        g.commit(CY, "2026-12-05T13:00:00+00:00", "open(0006) again");
    });
    g.caught(&m, &["ballot-timing"]);
}

#[test]
fn a_merge_restores_a_ballot_the_chair_removed() {
    attack!(g);
    g.branch("side", &g.base.clone());
    g.side_work("2026-12-05");
    g.checkout("attack");
    g.ok("2026-12-05", &["cancel", "0006", "--as", "ada"]);
    g.commit(ADA, "2026-12-05T13:00:00+00:00", "cancel(0006)");
    g.merge_uncommitted(MALLORY, "2026-12-06", "side");
    let base = g.base.clone();
    g.git(&["checkout", &base, "--", "votes/0006/bob.toml"]);
    let m = g.commit(MALLORY, "2026-12-06", "merge side");
    g.caught(&m, &["ballot-author", "ballot-decision", "ballot-timing"]);
}

/// A merge that brings back a delegate's older ballot over the one she cast since on the main
/// line (attacker review round 3): both of the merge's sides changed the file, so the version
/// it keeps is the merger's choice, judged as the merger's own change, not as the branch's.
#[test]
fn a_merge_brings_back_a_replaced_ballot() {
    attack!(g);
    g.branch("dan-old", &g.base.clone());
    g.ballot("registry", "dan", "none > 0004");
    g.commit(DAN, "2026-12-05", "vote(registry): dan");
    g.checkout("attack");
    g.ballot("registry", "dan", "0004 > none");
    g.commit(
        DAN,
        "2026-12-05T13:00:00+00:00",
        "vote(registry): dan, changed my mind",
    );
    g.git_as(
        MALLORY,
        None,
        "2026-12-06",
        "2026-12-06",
        &[
            "merge",
            "-q",
            "--no-ff",
            "-X",
            "theirs",
            "-m",
            "merge dan-old",
            "dan-old",
        ],
    );
    assert!(
        g.read("votes/registry/dan.toml")
            .starts_with("ranking = [\"none\"")
    );
    let m = g.head();
    g.caught(&m[..7], &["ballot-author"]);
}

#[test]
fn a_merge_drops_a_ballot() {
    attack!(g);
    g.branch("side", &g.base.clone());
    g.ballot("registry", "dan", "0004 > none");
    g.commit(DAN, "2026-12-05", "vote(registry): dan");
    g.checkout("attack");
    g.side_work("2026-12-05T13:00:00+00:00");
    g.merge_uncommitted(MALLORY, "2026-12-06", "side");
    g.git(&["rm", "-q", "votes/registry/ada.toml"]);
    let m = g.commit(MALLORY, "2026-12-06", "merge side");
    g.caught(&m, &["ballot-author"]);
}

#[test]
fn a_merge_reopens_a_closed_decision() {
    attack!(g);
    let before_close = g.git(&["rev-parse", "HEAD~6"]).trim().to_owned();
    assert!(
        g.git(&["log", "-1", "--format=%s", &before_close])
            .contains("vote(lockfile): dan")
    );
    g.branch("old", &before_close);
    g.side_work("2026-12-05");
    g.checkout("attack");
    g.merge_uncommitted(MALLORY, "2026-12-06", "old");
    g.git(&["checkout", "old", "--", "decisions/lockfile.toml", P2, P3]);
    let m = g.commit(MALLORY, "2026-12-06", "merge old");
    g.caught(&m, &["record-change", "status-transition"]);
}

#[test]
fn an_orphan_root_with_forged_ballots_merged_as_unrelated_history() {
    attack!(g);
    g.git(&["checkout", "-q", "--orphan", "forged"]);
    g.git(&["rm", "-rfq", "."]);
    g.ballot("registry", "bob", "0005 > none");
    g.ballot("registry", "dan", "0005 > none");
    let root = g.commit(MALLORY, "2026-12-05", "ballots");
    g.checkout("attack");
    g.git_as(
        MALLORY,
        None,
        "2026-12-06",
        "2026-12-06",
        &[
            "merge",
            "-q",
            "--allow-unrelated-histories",
            "-m",
            "merge",
            "forged",
        ],
    );
    let m = g.short("HEAD");
    g.caught_any(NOW, &[&root, &m], &["history-root"]);
}

// ---------------------------------------------------------------------------------------------
// Symbolic links.

#[test]
fn a_votes_folder_replaced_by_a_symlink() {
    attack!(g);
    for who in ["ada", "bob", "cy", "dan"] {
        g.write(
            &format!("stash/{who}.toml"),
            "ranking = [\"0005\", \"none\"]\n",
        );
    }
    g.remove("votes/registry");
    g.symlink("../stash", "votes/registry");
    let c = g.commit(MALLORY, "2026-12-05", "ballots");
    g.caught(&c, &["non-regular-file"]);
    g.check_files_fail("non-regular-file");
}

#[test]
fn the_proposals_folder_replaced_by_a_symlink() {
    attack!(g);
    g.git(&["mv", "proposals", "texts"]);
    g.symlink("texts", "proposals");
    let c = g.commit(MALLORY, "2026-12-05", "move proposals");
    g.caught(&c, &["non-regular-file"]);
    g.check_files_fail("non-regular-file");
}

#[test]
fn a_ballot_replaced_by_a_symlink() {
    attack!(g);
    g.write("notes/cy.toml", "ranking = [\"0004\", \"none\"]\n");
    g.remove("votes/registry/cy.toml");
    g.symlink("../../notes/cy.toml", "votes/registry/cy.toml");
    let c = g.commit(CY, "2026-12-05", "my ballot lives in notes");
    g.caught(&c, &["non-regular-file"]);
    g.check_files_fail("non-regular-file");
}

#[test]
fn a_record_replaced_by_a_symlink() {
    attack!(g);
    let text = g.read("decisions/registry.toml").replacen(
        "closes = 2026-12-15T12:00:00Z",
        "closes = 2026-12-25T12:00:00Z",
        1,
    );
    g.write("notes/registry.toml", text);
    g.remove("decisions/registry.toml");
    g.symlink("../notes/registry.toml", "decisions/registry.toml");
    let c = g.commit(ADA, "2026-12-05", "record");
    g.caught(&c, &["non-regular-file", "record-change"]);
    g.check_files_fail("non-regular-file");
}

// ---------------------------------------------------------------------------------------------
// Renames and deletions of proposals a record names.

#[test]
fn a_proposal_a_closed_record_names_is_renamed() {
    attack!(g);
    g.git(&["mv", P2, "proposals/0002-lockfile-format.md"]);
    let c = g.commit(ADA, "2026-12-05", "better slug");
    g.caught(&c, &["proposal-identity"]);
}

#[test]
fn a_proposal_a_closed_record_names_is_deleted() {
    attack!(g);
    g.remove(P3);
    let c = g.commit(ADA, "2026-12-05", "drop rejected 0003");
    g.caught(&c, &["proposal-identity"]);
}

#[test]
fn a_proposal_a_closed_record_names_changes_its_id() {
    attack!(g);
    g.git(&["mv", P3, "proposals/0013-another-lockfile.md"]);
    g.edit("proposals/0013-another-lockfile.md", "id = 3", "id = 13");
    let c = g.commit(ADA, "2026-12-05", "renumber");
    g.caught(&c, &["proposal-identity"]);
}

#[test]
fn a_proposal_in_voting_is_renamed() {
    attack!(g);
    g.git(&["mv", P6, "proposals/0006-mirror-sites.md"]);
    let c = g.commit(CY, "2026-12-05", "better slug");
    g.caught(&c, &["proposal-identity", "frozen-text"]);
}

// ---------------------------------------------------------------------------------------------
// Casting votes.

#[test]
fn a_casting_vote_by_a_delegate_who_is_not_chair() {
    attack!(g);
    g.write("votes/registry/casting.toml", "winner = \"0005\"\n");
    let c = g.commit(CY, "2026-12-05", "casting(registry)");
    g.caught(&c, &["ballot-author"]);
}

#[test]
fn a_casting_vote_by_the_chair_without_a_tie() {
    attack!(g);
    g.write("votes/0006/casting.toml", "winner = \"0006\"\n");
    let c = g.commit(ADA, "2026-12-05", "casting(0006)");
    g.caught(&c, &["ballot-timing"]);
}

#[test]
fn a_casting_vote_by_the_chair_while_the_vote_is_still_open() {
    attack!(g);
    // registry: ada and cy split 0004 and 0005, but bob and dan have still to vote.
    g.write("votes/registry/casting.toml", "winner = \"0004\"\n");
    let c = g.commit(ADA, "2026-12-05", "casting(registry)");
    g.caught(&c, &["ballot-timing"]);
}

// ---------------------------------------------------------------------------------------------
// Ballots.

#[test]
fn a_delegate_edits_another_delegates_ballot() {
    attack!(g);
    g.ballot("registry", "ada", "0005 > 0004 > none");
    let c = g.commit(CY, "2026-12-05", "fix ada's ballot");
    g.caught(&c, &["ballot-author"]);
}

#[test]
fn an_unsigned_ballot_by_a_delegate_with_a_key() {
    attack!(g);
    g.ballot("registry", "bob", "0004 > none");
    let c = g.commit_with(BOB, None, "2026-12-05", "2026-12-05", "vote(registry): bob");
    g.caught(&c, &["ballot-signature"]);
}

#[test]
fn a_ballot_signed_with_the_wrong_key() {
    attack!(g);
    g.ballot("registry", "bob", "0004 > none");
    let c = g.commit_with(
        BOB,
        Some("other"),
        "2026-12-05",
        "2026-12-05",
        "vote(registry): bob",
    );
    g.caught(&c, &["ballot-signature"]);
}

#[test]
fn a_ballot_signed_by_another_delegate_with_a_key() {
    attack!(g);
    g.ballot("registry", "bob", "0004 > none");
    let c = g.commit_with(
        BOB,
        Some("ada"),
        "2026-12-05",
        "2026-12-05",
        "vote(registry): bob",
    );
    g.caught(&c, &["ballot-signature"]);
}

#[test]
fn a_ballot_by_someone_who_is_not_an_elector() {
    attack!(g);
    g.ballot("registry", "mallory", "0004 > none");
    let c = g.commit(MALLORY, "2026-12-05", "vote(registry): mallory");
    g.caught(&c, &["ballot-voter", "ballot-author"]);
}

#[test]
fn a_ballot_on_a_decision_without_a_record() {
    attack!(g);
    g.ballot("0007", "dan", "0007 > none");
    let c = g.commit(DAN, "2026-12-05", "vote(0007): dan");
    g.caught(&c, &["ballot-decision", "ballot-timing"]);
}

#[test]
fn a_delegate_added_after_opening_votes() {
    attack!(g);
    g.add_delegate(EVE);
    g.commit(ADA, "2026-12-05", "welcome eve");
    g.ballot("registry", "eve", "0004 > none");
    let c = g.commit(EVE, "2026-12-06", "vote(registry): eve");
    g.caught(&c, &["ballot-voter", "ballot-author"]);
}

// ---------------------------------------------------------------------------------------------
// Normal work that must pass.

#[test]
fn a_pull_request_merged_with_a_merge_commit() {
    attack!(g);
    g.branch("dan-vote", &g.base.clone());
    g.ok(
        "2026-12-05",
        &["vote", "registry", "--rank", "0004 > none", "--as", "dan"],
    );
    g.commit(DAN, "2026-12-05", "vote(registry): dan");
    g.checkout("attack");
    g.side_work("2026-12-05T14:00:00+00:00");
    g.git_as(
        ADA,
        ADA.key,
        "2026-12-06",
        "2026-12-06",
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge dan's vote",
            "dan-vote",
        ],
    );
    g.clean(NOW);
}

/// A checkout that converts line endings is not a change (attacker review): a Windows clone
/// with `core.autocrlf`, or a `.gitattributes` with `eol=crlf` that a pull request adds. Council
/// pins and compares the text as git stores it: before, every proposal in Voting failed
/// `frozen-text` there, and `open` pinned CRLF text that git never stores.
#[test]
fn a_checkout_that_converts_line_endings() {
    attack!(g);
    let lay_out_again = |g: &Gov| {
        for f in [
            "council.toml",
            "proposals/0004-registry-a.md",
            "proposals/0007-signing.md",
        ] {
            g.remove(f);
        }
        g.git(&["checkout", "--", "."]);
    };
    g.git(&["config", "core.autocrlf", "true"]);
    lay_out_again(&g);
    assert!(g.read("proposals/0007-signing.md").contains("\r\n"));
    g.ok("2026-12-05", &["check"]);
    g.ok(
        "2026-12-05",
        &["open", "0007", "--days", "14", "--as", "cy"],
    );
    g.commit(CY, "2026-12-05", "open(0007)");
    g.ok("2026-12-06", &["vote", "0007", "approve", "--as", "cy"]);
    g.commit(CY, "2026-12-06", "vote(0007): cy");
    g.clean(NOW);
    g.ok(NOW, &["check"]);

    g.git(&["config", "core.autocrlf", "false"]);
    lay_out_again(&g);
    g.write(".gitattributes", "*.md eol=crlf\n");
    g.commit(MALLORY, "2026-12-07", "line endings");
    lay_out_again(&g);
    assert!(g.read("proposals/0004-registry-a.md").contains("\r\n"));
    g.clean(NOW);
    g.ok(NOW, &["check"]);
}

/// A proposal stored with CRLF line endings, under `text=auto` (attacker review round 2):
/// `git add` keeps CRLF where the index already has it, which `git hash-object` does not know,
/// so `open` pinned a text git never stored and every vote opened on that proposal failed
/// history. The pin is now what `git add` stores.
#[test]
fn a_proposal_stored_with_crlf_under_text_auto() {
    attack!(g);
    let crlf = g.read("proposals/0007-signing.md").replace('\n', "\r\n");
    g.write("proposals/0007-signing.md", crlf);
    g.commit(MALLORY, "2026-12-04", "line endings");
    g.write(".gitattributes", "*.md text=auto\n");
    g.commit(MALLORY, "2026-12-04T13:00:00+00:00", "attributes");
    g.remove("proposals/0007-signing.md");
    g.git(&["checkout", "--", "."]);
    g.ok(
        "2026-12-05",
        &["open", "0007", "--days", "14", "--as", "cy"],
    );
    g.commit(CY, "2026-12-05", "open(0007)");
    let stored = g.git(&["rev-parse", "HEAD:proposals/0007-signing.md"]);
    assert!(
        g.read("decisions/0007.toml").contains(stored.trim()),
        "{stored}"
    );
    g.clean(NOW);
    g.ok(NOW, &["check"]);
}

/// A `.gitattributes` that rewrites governed files on checkout (attacker review: `*.toml ident`
/// and a ballot committed so that its checkout reads as an abstention while history counts a
/// vote, so that no result passed both `close` and history) fails `check` in CI at the line.
#[test]
fn an_attribute_that_rewrites_governed_files_on_checkout() {
    attack!(g);
    let grace = "comment = \"\"\"$Id:\"\"\"#$\nvote = \"approve\"\n#\"\"\"\n";
    g.write("votes/0006/cy.toml", grace);
    g.commit(CY, "2026-12-05", "vote(0006): cy");
    // A filter driver as a CI runner with git-lfs has one (here one that changes nothing): a
    // filter attribute with no driver converts nothing, and is not reported.
    g.git(&["config", "filter.lfs.clean", "cat"]);
    g.git(&["config", "filter.lfs.smudge", "cat"]);
    for (attributes, what, line) in [
        (&b"*.toml ident\n"[..], "`ident`", 1),
        (b"\"*.toml\" ident\n", "`ident`", 1),
        (b"# \xff\n*.toml ident\n", "`ident`", 2),
        (b"votes/** filter=lfs\n", "the filter driver `lfs`", 1),
        (b"[attr]quiet ident\n*.toml quiet\n", "`ident`", 1),
        // The site's templates too: a stranger's attribute re-encoding the chair's theme
        // would blank what the site says was decided (attacker review round 5).
        (
            b"theme/** working-tree-encoding=UTF-7\n",
            "`working-tree-encoding=UTF-7`",
            1,
        ),
    ] {
        g.write(".gitattributes", attributes);
        let c = g.commit(MALLORY, "2026-12-06", "attributes");
        g.remove("votes/0006/cy.toml");
        g.git(&["checkout", "--", "."]);
        for args in [&["check"][..], &["check", "--base", &g.base.clone()]] {
            let (code, v, text) = g.json(NOW, args);
            assert_eq!(code, 1, "{args:?} {what}: {text}");
            let d = diags(&v)
                .into_iter()
                .find(|d| d["rule"] == "checkout-conversion")
                .unwrap_or_else(|| panic!("{args:?} {what}: {text}"));
            assert_eq!(
                (d["file"].as_str(), d["line"].as_u64()),
                (Some(".gitattributes"), Some(line)),
                "{text}"
            );
            assert!(d["message"].as_str().unwrap().contains(what), "{text}");
        }
        g.git(&["reset", "-q", "--hard", &format!("{c}~1")]);
    }
    // What converts nothing is not reported: `ident=true` is a value, not `ident`, and a
    // filter with no driver does nothing.
    g.write(
        ".gitattributes",
        "*.toml ident=true\nvotes/** filter=nosuch\n",
    );
    let c = g.commit(MALLORY, "2026-12-06", "attributes");
    g.remove("votes/0006/cy.toml");
    g.git(&["checkout", "--", "."]);
    g.ok(NOW, &["check"]);
    g.git(&["reset", "-q", "--hard", &format!("{c}~1")]);
    // An attribute from outside the repository's files (this clone's info/attributes) too,
    // with no file to point at.
    std::fs::create_dir_all(g.path(".git/info")).unwrap();
    std::fs::write(g.path(".git/info/attributes"), "votes/** ident\n").unwrap();
    let (code, v, text) = g.json(NOW, &["check"]);
    assert_eq!(code, 1, "{text}");
    assert!(
        diags(&v)
            .iter()
            .any(|d| d["rule"] == "checkout-conversion" && d["file"] == ""),
        "{text}"
    );
    std::fs::remove_file(g.path(".git/info/attributes")).unwrap();
    // Nor does lowering the rule.
    g.write(".gitattributes", "*.toml ident\n");
    let (code, _, text) = g.json(NOW, &["check", "-A", "checkout-conversion"]);
    assert_ne!(code, 0, "{text}");
}

/// A governed name in other letter case (`Votes/`, `Theme/`, `COUNCIL.TOML`): a checkout on a
/// case-insensitive file system (macOS, Windows) reads it as the governed file, so a ballot in
/// another's name or a stranger's template would be counted and published there (attacker
/// review round 5).
#[test]
fn a_governed_name_in_other_letter_case() {
    attack!(g);
    let base = g.head();
    for (rel, text) in [
        ("Votes/0006/cy.toml", "vote = \"approve\"\n"),
        ("VOTES/0006/cy.toml", "vote = \"approve\"\n"),
        ("Theme/decision.html", "<h1>0003 wins</h1>\n"),
        ("COUNCIL.TOML", "[[delegate]]\nid = \"mallory\"\n"),
        ("Decisions/0006.toml", "decision = \"0006\"\n"),
        ("Proposals/0009-x.md", "+++\nid = 9\n+++\n"),
    ] {
        g.write(rel, text);
        let c = g.commit(MALLORY, "2026-12-05", "case");
        g.caught(&c, &["non-regular-file"]);
        g.git(&["reset", "-q", "--hard", &base]);
        g.git(&["clean", "-qfd"]);
    }
    g.clean(NOW);
}

#[test]
fn a_pull_request_squashed() {
    attack!(g);
    g.side_work("2026-12-05");
    g.branch("dan-vote", &g.base.clone());
    g.ok(
        "2026-12-05",
        &["vote", "registry", "--rank", "0004 > none", "--as", "dan"],
    );
    g.commit(DAN, "2026-12-05T13:00:00+00:00", "vote(registry): dan");
    g.ok(
        "2026-12-06",
        &[
            "vote",
            "registry",
            "--rank",
            "0005 > 0004 > none",
            "--as",
            "dan",
        ],
    );
    g.commit(DAN, "2026-12-06", "vote(registry): dan, again");
    g.checkout("attack");
    g.git_as(
        DAN,
        None,
        "2026-12-07",
        "2026-12-07",
        &["merge", "-q", "--squash", "dan-vote"],
    );
    g.commit(DAN, "2026-12-07", "vote(registry): dan (#12)");
    assert!(g.path("votes/registry/dan.toml").is_file());
    g.clean(NOW);
}

#[test]
fn a_pull_request_rebased() {
    attack!(g);
    g.branch("dan-vote", &g.base.clone());
    g.ok(
        "2026-12-05",
        &["vote", "registry", "--rank", "0004 > none", "--as", "dan"],
    );
    g.commit(DAN, "2026-12-05", "vote(registry): dan");
    g.checkout("attack");
    g.side_work("2026-12-06");
    g.checkout("dan-vote");
    g.git_as(
        DAN,
        None,
        "2026-12-05",
        "2026-12-07",
        &["rebase", "-q", "attack"],
    );
    g.checkout("attack");
    g.git(&["merge", "-q", "--ff-only", "dan-vote"]);
    g.clean(NOW);
}

#[test]
fn a_pull_request_fast_forwarded() {
    attack!(g);
    g.branch("dan-vote", &g.base.clone());
    g.ok(
        "2026-12-05",
        &["vote", "registry", "--rank", "0004 > none", "--as", "dan"],
    );
    g.commit(DAN, "2026-12-05", "vote(registry): dan");
    g.side_work("2026-12-06");
    g.checkout("attack");
    g.git(&["merge", "-q", "--ff-only", "dan-vote"]);
    g.clean(NOW);
}

#[test]
fn the_chair_cancels_a_vote_the_text_is_revised_and_the_vote_reopened() {
    attack!(g);
    g.ok("2026-12-05", &["cancel", "0006", "--as", "ada"]);
    g.commit(ADA, "2026-12-05", "cancel(0006)");
    assert!(!g.path("decisions/0006.toml").exists());
    g.edit(
        P6,
        "## Specification\n\nText.",
        "## Specification\n\nRevised text.",
    );
    g.commit(CY, "2026-12-06", "0006: revise the specification");
    g.ok("2026-12-07", &["open", "0006", "--days", "7", "--as", "cy"]);
    g.commit(CY, "2026-12-07", "open(0006)");
    g.ok("2026-12-08", &["vote", "0006", "approve", "--as", "bob"]);
    g.commit(BOB, "2026-12-08", "vote(0006): bob");
    g.clean(NOW);
}

#[test]
fn a_delegate_rotates_their_own_key() {
    attack!(g);
    let (old, new) = (g.pubkey("bob"), g.pubkey("bob2"));
    g.edit("council.toml", &old, &new);
    // Authored with the old email and signed with the old key.
    g.commit_with(
        BOB,
        Some("bob"),
        "2026-12-05",
        "2026-12-05",
        "rotate bob's key",
    );
    // registry's record still holds the old key; a new decision takes the new one.
    g.ok(
        "2026-12-06",
        &["vote", "registry", "--rank", "0004 > none", "--as", "bob"],
    );
    g.commit_with(
        BOB,
        Some("bob"),
        "2026-12-06",
        "2026-12-06",
        "vote(registry): bob",
    );
    g.ok("2026-12-07", &["open", "0007", "--as", "cy"]);
    g.commit(CY, "2026-12-07", "open(0007)");
    g.ok("2026-12-08", &["vote", "0007", "approve", "--as", "bob"]);
    g.commit_with(
        BOB,
        Some("bob2"),
        "2026-12-08",
        "2026-12-08",
        "vote(0007): bob",
    );
    g.clean(NOW);
}

#[test]
fn the_chair_changes_council_toml_between_votes() {
    attack!(g);
    g.edit(
        "council.toml",
        "name = \"Test Council\"",
        "name = \"The Council\"",
    );
    g.add_delegate(EVE);
    g.commit(ADA, "2026-12-05", "rename the council; welcome eve");
    g.edit(
        "council.toml",
        "email = \"dan@example.org\"\nterm = { from = 2026-01-01, to = 2027-12-31 }",
        "email = \"dan@example.org\"\nterm = { from = 2026-01-01, to = 2028-12-31 }",
    );
    g.commit(ADA, "2026-12-06", "extend dan's term");
    g.clean(NOW);
}

#[test]
fn a_new_process_document_accepted_through_a_decision_then_put_in_force() {
    attack!(g);
    // It says what it replaces, so its acceptance is the decision that supersedes 0001.
    g.edit(P9, "\n[rules]\n", "replaces = [1]\n\n[rules]\n");
    g.commit(BOB, "2026-12-05", "0009 replaces 0001");
    g.ok("2026-12-05", &["status", "9", "Discussion"]);
    g.commit(ADA, "2026-12-05", "0009: to discussion");
    g.ok(
        "2026-12-05T13:00:00+00:00",
        &["open", "0009", "--as", "ada"],
    );
    g.commit(ADA, "2026-12-05T13:00:00+00:00", "open(0009)");
    for (who, hour) in [(ADA, 10), (BOB, 11), (CY, 12), (DAN, 13)] {
        let at = format!("2026-12-06T{hour}:00:00+00:00");
        g.ok(&at, &["vote", "0009", "approve", "--as", who.id]);
        g.commit(who, &at, "vote(0009)");
    }
    g.ok("2026-12-07", &["close", "0009"]);
    g.commit(CY, "2026-12-07", "close(0009)");
    assert!(g.read(P9).contains("status = \"Accepted\""));
    g.edit("council.toml", "process = 1", "process = 9");
    g.commit(ADA, "2026-12-08", "the rules of 0009 are in force");
    // The decision superseded 0001: anyone may record it.
    g.ok(
        "2026-12-09",
        &["status", "1", "Superseded", "--superseded-by", "9"],
    );
    g.commit(MALLORY, "2026-12-09", "0001 is superseded");
    g.clean(NOW);
}

#[test]
fn the_chair_records_a_supersession_nobody_voted_on() {
    attack!(g);
    g.ok(
        "2026-12-05",
        &["status", "2", "Superseded", "--superseded-by", "1"],
    );
    g.commit(
        ADA,
        "2026-12-05",
        "0002 is superseded by the process document",
    );
    g.clean(NOW);
}

#[test]
fn a_casting_vote_by_the_chair_after_a_tie() {
    attack!(g);
    g.ok(
        "2026-12-05",
        &[
            "vote",
            "registry",
            "--rank",
            "0004 = 0005 > none",
            "--as",
            "bob",
        ],
    );
    g.commit(BOB, "2026-12-05", "vote(registry): bob");
    g.ok(
        "2026-12-06",
        &[
            "vote",
            "registry",
            "--rank",
            "0004 = 0005 > none",
            "--as",
            "dan",
        ],
    );
    g.commit(DAN, "2026-12-06", "vote(registry): dan");
    g.ok(
        "2026-12-07",
        &["vote", "registry", "--casting", "0004", "--as", "ada"],
    );
    g.commit(ADA, "2026-12-07", "casting(registry)");
    g.ok("2026-12-08", &["close", "registry"]);
    g.commit(CY, "2026-12-08", "close(registry)");
    assert!(g.read(P4).contains("status = \"Accepted\""));
    g.clean(NOW);
}

#[test]
fn a_shallow_clone_in_ci() {
    attack!(g);
    g.ok(
        "2026-12-05",
        &["vote", "registry", "--rank", "0004 > none", "--as", "dan"],
    );
    g.commit(DAN, "2026-12-05", "vote(registry): dan");
    let clone = g.root.join("clone");
    let url = format!("file://{}", g.dir().display());
    run_git(
        &g.root,
        &[
            "clone", "-q", "--depth", "3", "--branch", "attack", &url, "clone",
        ],
        &[],
    );
    let mut c = Command::cargo_bin("council").unwrap();
    let out = c
        .current_dir(&clone)
        .env("COUNCIL_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["check", "--base", "HEAD~1"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_delegate_changes_their_own_name_and_email() {
    attack!(g);
    g.edit(
        "council.toml",
        "name = \"Cy Young\"\nemail = \"cy@example.org\"",
        "name = \"Cy Old\"\nemail = \"cy@new.example\"",
    );
    g.commit(CY, "2026-12-05", "my new name and address");
    g.clean(NOW);
}

#[test]
fn the_prose_of_the_process_document_is_edited() {
    attack!(g);
    g.edit(
        PROCESS,
        "## Motivation\n\nText.",
        "## Motivation\n\nClearer text.",
    );
    g.commit(ADA, "2026-12-05", "0001: clarify the motivation");
    g.clean(NOW);
}

// ---------------------------------------------------------------------------------------------
// More attacks: laundering through branches, signatures, names and entries.

impl Gov {
    /// Writes a commit object from raw text and moves the current branch to it; the short id.
    fn write_commit(&self, raw: &str) -> String {
        let mut child = Std::new("git")
            .args(["hash-object", "-t", "commit", "-w", "--stdin"])
            .current_dir(self.dir())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(raw.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        self.git(&["update-ref", "HEAD", &id]);
        self.git(&["reset", "-q"]);
        self.short("HEAD")
    }

    /// Signs `payload` with a key file in an SSH signature namespace: the armoured signature.
    fn ssh_sign(&self, key: &str, namespace: &str, payload: &str) -> String {
        let file = self.root.join("payload");
        std::fs::write(&file, payload).unwrap();
        let st = Std::new("ssh-keygen")
            .args(["-q", "-Y", "sign", "-n", namespace, "-f"])
            .arg(self.key(key))
            .arg(&file)
            .status()
            .unwrap();
        assert!(st.success());
        let sig = std::fs::read_to_string(file.with_extension("sig")).unwrap();
        std::fs::remove_file(file.with_extension("sig")).unwrap();
        sig
    }

    /// An unsigned commit of bob's ballot on registry, re-made with bob's key's signature
    /// over its payload in `namespace`.
    fn bob_ballot_signed_in(&self, namespace: &str) -> String {
        self.ballot("registry", "bob", "0004 > none");
        let unsigned =
            self.commit_with(BOB, None, "2026-12-05", "2026-12-05", "vote(registry): bob");
        let raw = self.git(&["cat-file", "commit", &unsigned]);
        let sig = self.ssh_sign("bob", namespace, &raw);
        let header: Vec<String> = sig.trim_end().lines().map(str::to_owned).collect();
        let gpgsig = format!("gpgsig {}\n", header.join("\n "));
        let cut = raw.find("\n\n").unwrap() + 1;
        let forged = format!("{}{}{}", &raw[..cut], gpgsig, &raw[cut..]);
        self.git(&["reset", "-q", "--hard", "HEAD~1"]);
        self.write_commit(&forged)
    }
}

#[test]
fn a_forged_ballot_on_a_branch_is_not_laundered_by_a_signed_merge() {
    attack!(g);
    g.branch("side", &g.base.clone());
    g.ballot("registry", "dan", "0004 > none");
    let forged = g.commit(MALLORY, "2026-12-05", "vote(registry): dan");
    g.checkout("attack");
    g.side_work("2026-12-05T13:00:00+00:00");
    g.git_as(
        ADA,
        ADA.key,
        "2026-12-06",
        "2026-12-06",
        &["merge", "-q", "--no-ff", "-m", "Merge side", "side"],
    );
    g.caught(&forged, &["ballot-author"]);
}

#[test]
fn a_signature_made_in_the_git_namespace_by_hand_is_accepted() {
    // The control for the next two tests: this way of signing is what git does.
    attack!(g);
    g.bob_ballot_signed_in("git");
    g.clean(NOW);
}

#[test]
fn a_ballot_signed_by_the_right_key_in_another_namespace() {
    attack!(g);
    let c = g.bob_ballot_signed_in("file");
    g.caught(&c, &["ballot-signature"]);
}

#[test]
fn a_signature_replayed_from_another_commit() {
    attack!(g);
    // bob's signed ballot commit on 0006 is the base's last commit: reuse its gpgsig header
    // on a commit that adds a registry ballot for him.
    g.ballot("registry", "bob", "0005 > none");
    g.git(&["add", "-A"]);
    let tree = g.git(&["write-tree"]).trim().to_owned();
    let base = g.base.clone();
    let raw = g.git(&["cat-file", "commit", &base]);
    assert!(
        raw.contains("gpgsig -----BEGIN SSH SIGNATURE-----"),
        "{raw}"
    );
    let parent = raw
        .lines()
        .find(|l| l.starts_with("parent "))
        .unwrap()
        .to_owned();
    let old_tree = raw.lines().next().unwrap().to_owned();
    let forged = raw
        .replacen(&old_tree, &format!("tree {tree}"), 1)
        .replacen(&parent, &format!("parent {base}"), 1);
    let c = g.write_commit(&forged);
    g.caught(&c, &["ballot-signature"]);
}

#[test]
fn a_ballot_file_named_in_another_case() {
    attack!(g);
    g.ballot("registry", "DAN", "0004 > none");
    let c = g.commit(MALLORY, "2026-12-05", "vote(registry): DAN");
    g.caught(&c, &["ballot-voter", "ballot-author"]);
}

#[test]
fn a_ballot_moved_to_another_delegates_file() {
    attack!(g);
    g.git(&["mv", "votes/registry/cy.toml", "votes/registry/dan.toml"]);
    let c = g.commit(CY, "2026-12-05", "dan agrees with me");
    g.caught(&c, &["ballot-author"]);
}

#[test]
fn a_submodule_in_a_votes_folder() {
    attack!(g);
    let base = g.base.clone();
    g.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{base},votes/0007"),
    ]);
    // (Not `git add -A`: the work tree has no checkout of it, and would drop the entry.)
    g.git_as(
        MALLORY,
        None,
        "2026-12-05",
        "2026-12-05",
        &["commit", "-q", "-m", "a submodule"],
    );
    let c = g.short("HEAD");
    g.caught(&c, &["non-regular-file"]);
}

#[test]
fn closed_without_moving_the_statuses() {
    attack!(g);
    for (who, day) in [(ADA, "2026-12-05"), (CY, "2026-12-06"), (DAN, "2026-12-07")] {
        g.ok(day, &["vote", "0006", "approve", "--as", who.id]);
        g.commit(who, day, "vote(0006)");
    }
    g.ok("2026-12-08", &["close", "0006"]);
    g.set_status(P6, "Accepted", "Voting");
    let c = g.commit(CY, "2026-12-08", "close(0006)");
    g.caught(&c, &["record-change", "status-tally", "voting-record"]);
}

#[test]
fn voting_text_converted_to_crlf() {
    attack!(g);
    let text = g.read(P4).replace('\n', "\r\n");
    g.write(P4, text);
    let c = g.commit(ADA, "2026-12-05", "line endings");
    g.caught(&c, &["frozen-text"]);
}

#[test]
fn a_delegate_removes_themselves() {
    attack!(g);
    g.edit(
        "council.toml",
        "[[delegate]]\nid = \"cy\"\nname = \"Cy Young\"\nemail = \"cy@example.org\"\n\n",
        "",
    );
    let c = g.commit(CY, "2026-12-05", "I step down");
    g.caught(&c, &["council-change"]);
}

#[test]
fn a_delegate_changes_their_own_id() {
    attack!(g);
    g.edit("council.toml", "id = \"bob\"", "id = \"robert\"");
    let c = g.commit(BOB, "2026-12-05", "call me robert");
    g.caught(&c, &["council-change"]);
}

#[test]
fn the_chair_points_process_at_a_standards_document() {
    attack!(g);
    g.edit("council.toml", "process = 1", "process = 2");
    let c = g.commit(ADA, "2026-12-05", "0002 has rules too");
    g.caught(&c, &["council-change"]);
}

// ---------------------------------------------------------------------------------------------
// council.toml changed legitimately by the chair mid-vote does not change a running record.

#[test]
fn a_new_chair_casts_the_casting_vote_of_a_vote_opened_under_the_old_one() {
    attack!(g);
    g.edit("council.toml", "chair = \"ada\"", "chair = \"dan\"");
    g.commit(ADA, "2026-12-05", "dan chairs now");
    g.ok(
        "2026-12-06",
        &[
            "vote",
            "registry",
            "--rank",
            "0004 = 0005 > none",
            "--as",
            "bob",
        ],
    );
    g.commit(BOB, "2026-12-06", "vote(registry): bob");
    g.ok(
        "2026-12-07",
        &[
            "vote",
            "registry",
            "--rank",
            "0004 = 0005 > none",
            "--as",
            "dan",
        ],
    );
    g.commit(DAN, "2026-12-07", "vote(registry): dan");
    g.write("votes/registry/casting.toml", "winner = \"0005\"\n");
    let c = g.commit(DAN, "2026-12-08", "casting(registry)");
    g.caught(&c, &["ballot-author"]);
}

#[test]
fn the_chair_removes_a_delegates_key_mid_vote_then_an_unsigned_ballot_appears() {
    attack!(g);
    let bob = g.pubkey("bob");
    g.edit("council.toml", &format!("key = \"{bob}\"\n"), "");
    g.commit(ADA, "2026-12-05", "bob has no key any more");
    g.ballot("registry", "bob", "0005 > none");
    let c = g.commit_with(BOB, None, "2026-12-06", "2026-12-06", "vote(registry): bob");
    g.caught(&c, &["ballot-signature"]);
}

#[test]
fn the_chair_changes_a_delegates_email_mid_vote_then_votes_as_them() {
    attack!(g);
    g.edit("council.toml", "dan@example.org", "dan@chair.example");
    g.commit(ADA, "2026-12-05", "dan's address");
    g.ballot("registry", "dan", "0004 > none");
    let c = g.commit(
        Who {
            email: "dan@chair.example",
            ..DAN
        },
        "2026-12-06",
        "vote(registry): dan",
    );
    g.caught(&c, &["ballot-author"]);
}

#[test]
fn an_early_ballot_on_a_branch_merged_during_the_window() {
    attack!(g);
    // A branch from before registry was opened, with a ballot for it.
    let before_open = g.git(&["rev-parse", "HEAD~5"]).trim().to_owned();
    assert!(
        g.git(&["log", "-1", "--format=%s", &before_open])
            .contains("close(lockfile)")
    );
    g.branch("early", &before_open);
    g.ballot("registry", "dan", "0004 > none");
    let early = g.commit(DAN, "2026-11-25", "vote(registry): dan");
    g.checkout("attack");
    g.git_as(
        ADA,
        ADA.key,
        "2026-12-06",
        "2026-12-06",
        &["merge", "-q", "--no-ff", "-m", "Merge early", "early"],
    );
    let m = g.short("HEAD");
    g.caught_any(NOW, &[&early, &m], &["ballot-timing", "ballot-decision"]);
}

// ---------------------------------------------------------------------------------------------
// Found by a black-box attacker review: each got past both checks once.

/// Accept a process document through a vote, then edit its rules before pointing at it.
#[test]
fn an_accepted_process_documents_rules_edited_before_it_is_put_in_force() {
    attack!(g);
    g.ok("2026-12-05", &["status", "9", "Discussion"]);
    g.commit(ADA, "2026-12-05", "0009: to discussion");
    g.ok(
        "2026-12-05T13:00:00+00:00",
        &["open", "0009", "--as", "ada"],
    );
    g.commit(ADA, "2026-12-05T13:00:00+00:00", "open(0009)");
    for (who, hour) in [(ADA, 10), (BOB, 11), (CY, 12), (DAN, 13)] {
        let at = format!("2026-12-06T{hour}:00:00+00:00");
        g.ok(&at, &["vote", "0009", "approve", "--as", who.id]);
        g.commit(who, &at, "vote(0009)");
    }
    g.ok("2026-12-07", &["close", "0009"]);
    g.commit(CY, "2026-12-07", "close(0009)");
    let text = g.read(P9);
    let edited = text.replacen("[rules]\n", "[rules]\nconcerns-block = false\n", 1);
    assert_ne!(text, edited, "{text}");
    g.write(P9, edited);
    g.commit(MALLORY, "2026-12-07T12:00:00+00:00", "typo fixes");
    g.edit("council.toml", "process = 1", "process = 9");
    let c = g.commit(ADA, "2026-12-08", "the rules of 0009 are in force");
    g.caught(&c, &["council-change"]);
}

/// A Draft nobody discussed cannot supersede a decision.
#[test]
fn a_decision_superseded_by_a_stranger_s_draft() {
    attack!(g);
    g.write(
        "proposals/0010-replace.md",
        proposal(
            10,
            "Replace",
            "Draft",
            "standards",
            None,
            "replaces = [2]\n",
        ),
    );
    g.edit(
        P2,
        "status = \"Accepted\"",
        "status = \"Superseded\"\nsuperseded-by = 10",
    );
    let c = g.commit(MALLORY, "2026-12-05", "supersede 0002");
    g.caught(&c, &["status-transition"]);
}

/// A stranger undoes a decision: the accepted 0002 "superseded" by the process document, whose
/// `replaces` the same commit edits. Nobody voted on that.
#[test]
fn a_stranger_supersedes_an_accepted_decision() {
    attack!(g);
    g.ok(
        "2026-12-05",
        &["status", "2", "Superseded", "--superseded-by", "1"],
    );
    let c = g.commit(MALLORY, "2026-12-05", "0002 is superseded");
    g.caught(&c, &["status-transition"]);
}

/// Two steps: `replaces` edited first (anyone may edit an accepted proposal), the move later.
#[test]
fn a_stranger_supersedes_an_accepted_decision_in_two_steps() {
    attack!(g);
    g.edit(PROCESS, "resolution = ", "replaces = [2]\nresolution = ");
    let prep = g.commit(MALLORY, "2026-12-05", "a note");
    g.ok(
        "2026-12-06",
        &["status", "2", "Superseded", "--superseded-by", "1"],
    );
    let c = g.commit(MALLORY, "2026-12-06", "0002 is superseded");
    let _ = prep;
    g.caught(&c, &["status-transition"]);
}

/// Retiring the process document in force while council.toml still points at it would leave
/// no rules to open a vote by: even the chair does that only as they repoint `process`.
#[test]
fn the_process_document_in_force_retired_without_a_successor_in_force() {
    attack!(g);
    g.ok(
        "2026-12-05",
        &["status", "1", "Superseded", "--superseded-by", "2"],
    );
    let c = g.commit(ADA, "2026-12-05", "retire 0001");
    g.caught(&c, &["status-transition"]);
}

/// The chair may change council.toml, but never leave it invalid: a chair who is no delegate
/// would leave nobody with the chair's authority in the next commit.
#[test]
fn the_chair_leaves_council_toml_invalid() {
    attack!(g);
    g.edit("council.toml", "chair = \"ada\"", "chair = \"nobody\"");
    let c = g.commit(ADA, "2026-12-05", "a new chair");
    g.caught(&c, &["council-change"]);
}

/// A second file taking a running option's id.
#[test]
fn a_draft_reusing_the_id_of_a_proposal_in_voting() {
    attack!(g);
    g.write(
        "proposals/0004-registry-a-v2.md",
        g.read(P4)
            .replacen("status = \"Voting\"", "status = \"Draft\"", 1),
    );
    let c = g.commit(MALLORY, "2026-12-05", "draft v2");
    g.caught(&c, &["proposal-identity"]);
}

/// A record written already closed, in the opening commit.
#[test]
fn a_record_created_already_closed() {
    attack!(g);
    g.ok("2026-12-05", &["open", "0007", "--as", "cy"]);
    let rec = g.read("decisions/0007.toml");
    g.write(
        "decisions/0007.toml",
        rec + "\n[closed]\nat = 2026-12-05T12:00:00Z\nstate = \"decided\"\nwinners = [\"0007\"]\noutcome = { \"0007\" = \"Accepted\" }\n",
    );
    let c = g.commit(CY, "2026-12-05", "open(0007)");
    g.caught(&c, &["record-change"]);
}

/// Files council does not read, and an executable bit, in governed folders.
#[test]
fn stray_files_and_modes_in_governed_folders() {
    attack!(g);
    g.write("votes/registry/dan.TOML", "vote = \"approve\"\n");
    let c = g.commit(MALLORY, "2026-12-05", "misc");
    g.caught(&c, &["non-regular-file"]);
    let Some(h) = attack() else { return };
    {
        use std::os::unix::fs::PermissionsExt;
        let path = h.dir().join("decisions/lockfile.toml");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let c = h.commit_with(MALLORY, None, "2026-12-05", "2026-12-05", "chmod");
    h.caught(&c, &["non-regular-file"]);
}

/// A delegate taking another delegate's email.
#[test]
fn a_delegate_takes_another_delegates_email() {
    attack!(g);
    g.edit(
        "council.toml",
        "email = \"cy@example.org\"",
        "email = \"ADA@example.org\"",
    );
    let c = g.commit(CY, "2026-12-05", "my email");
    g.caught(&c, &["council-change"]);
}

// ---------------------------------------------------------------------------------------------
// Found by a second black-box attacker review.

/// On a branch the chair gives "bob" her own key and reopens the vote; a ballot signed with her
/// key is then merged alone into the main line, whose record holds bob's real key. The merge
/// brings a version its branch made: that commit is judged against the main line's record.
#[test]
fn a_ballot_merged_from_a_branch_whose_record_holds_another_key() {
    attack!(g);
    let (bob, ada) = (g.pubkey("bob"), g.pubkey("ada"));
    g.branch("side", "HEAD");
    g.edit("council.toml", &bob, &ada);
    g.commit(ADA, "2026-12-05", "bob's key");
    g.ok(
        "2026-12-05T13:00:00+00:00",
        &["cancel", "registry", "--as", "ada"],
    );
    g.commit(ADA, "2026-12-05T13:00:00+00:00", "cancel(registry)");
    g.ok(
        "2026-12-05T14:00:00+00:00",
        &["open", "registry", "--as", "ada", "--days", "9"],
    );
    g.commit(ADA, "2026-12-05T14:00:00+00:00", "open(registry)");
    g.ok(
        "2026-12-05T15:00:00+00:00",
        &["vote", "registry", "--rank", "0004 > none", "--as", "bob"],
    );
    g.commit_with(
        BOB,
        Some("ada"),
        "2026-12-05T15:00:00+00:00",
        "2026-12-05T15:00:00+00:00",
        "vote(registry): bob",
    );
    g.checkout("attack");
    g.git_as(
        ADA,
        ADA.key,
        "2026-12-06",
        "2026-12-06",
        &[
            "merge",
            "-q",
            "--no-ff",
            "--no-commit",
            "-s",
            "ours",
            "side",
        ],
    );
    g.git(&["checkout", "side", "--", "votes/registry/bob.toml"]);
    let m = g.commit(ADA, "2026-12-06", "merge side");
    g.caught(&m, &["ballot-signature"]);
}

/// A process document in force retyped, which would take every rule out of force.
#[test]
fn the_process_document_in_force_is_retyped() {
    attack!(g);
    g.edit(PROCESS, "type = \"process\"", "type = \"informational\"");
    let c = g.commit(MALLORY, "2026-12-05", "it is informational really");
    g.caught(&c, &["rules-change"]);
}

/// Normal work: a vote opened and voted on in a branch, merged whole with a merge commit.
#[test]
fn a_vote_opened_and_cast_on_a_branch_then_merged() {
    attack!(g);
    g.branch("vote7", "HEAD");
    g.ok("2026-12-05", &["open", "0007", "--as", "cy", "--days", "9"]);
    g.commit(CY, "2026-12-05", "open(0007)");
    g.ok(
        "2026-12-05T13:00:00+00:00",
        &["vote", "0007", "approve", "--as", "cy"],
    );
    g.commit(CY, "2026-12-05T13:00:00+00:00", "vote(0007): cy");
    g.checkout("attack");
    g.git_as(
        ADA,
        ADA.key,
        "2026-12-06",
        "2026-12-06",
        &["merge", "-q", "--no-ff", "-m", "Merge vote7", "vote7"],
    );
    g.clean(NOW);
}

/// Normal work: the chair changes a delegate's email.
#[test]
fn the_chair_changes_a_delegates_email() {
    attack!(g);
    g.edit("council.toml", "cy@example.org", "cy@new.example");
    g.commit(ADA, "2026-12-05", "cy's new address");
    g.clean(NOW);
}

/// Normal work: a delegate rotates their own key and moves their entry to the end.
#[test]
fn a_delegate_rotates_their_key_and_reorders_the_entries() {
    attack!(g);
    let (bob, bob2) = (g.pubkey("bob"), g.pubkey("bob2"));
    let text = g.read("council.toml").replace(&bob, &bob2);
    let start = text.find("[[delegate]]\nid = \"bob\"").unwrap();
    let end = start + 1 + text[start + 1..].find("[[delegate]]").unwrap();
    let moved = format!("{}{}\n{}", &text[..start], &text[end..], &text[start..end]);
    g.write("council.toml", moved);
    g.commit(BOB, "2026-12-05", "my new key, my entry last");
    g.clean(NOW);
}

/// A rewritten main line: the base of `check --base` is no longer in HEAD's history. What the
/// base held beyond the fork is not judged, and council says so.
#[test]
fn a_base_dropped_by_a_rewrite_is_reported() {
    attack!(g);
    g.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let base = g.base.clone();
    let (code, v, text) = g.json(NOW, &["check", "--base", &base, "--deny-warnings"]);
    assert_eq!(code, 1, "{text}");
    assert!(
        diags(&v).iter().any(|d| d["rule"] == "history-incomplete"
            && d["message"]
                .as_str()
                .is_some_and(|m| m.contains("is not an ancestor of HEAD"))),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// A writer's own working files (lock, journal, temporary files), committed.

/// A journal, committed with the temporary file it names, would have every checkout that runs
/// council swap the file under review for another: history reports both files.
#[test]
fn a_committed_journal_swaps_a_file_in_every_checkout() {
    attack!(g);
    let tmp = "proposals/.0006-mirrors.md.council-4242-0.tmp";
    let text_before = g.read("proposals/0006-mirrors.md");
    g.write(tmp, text_before.replace("Mirror", "Mirror, swapped"));
    g.write(
        ".council.journal",
        format!(
            r#"{{"pid": 4242, "command": "council status", "steps": [{{"path": "proposals/0006-mirrors.md", "tmp": "{tmp}"}}]}}"#
        ),
    );
    let c = g.commit(MALLORY, "2026-12-05", "notes");
    g.caught(&c, &["non-regular-file"]);
    let (_, _, text) = g.json(NOW, &["audit"]);
    assert!(text.contains(".council.journal"), "{text}");
    // Nor does running council in the checkout carry it out (attacker review): a reading
    // command warns and reads the files as they are, a writing one refuses, and the file under
    // review is never swapped.
    let out = g.council(NOW).args(["tally"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(
            "warning: git tracks .council.journal (committed or staged), so it is not carried out"
        ),
        "{err}"
    );
    let out = g
        .council(NOW)
        .args(["status", "6", "Withdrawn"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("git tracks this journal"), "{err}");
    assert_eq!(g.read("proposals/0006-mirrors.md"), text_before);
    assert!(
        g.dir().join(tmp).exists(),
        "a committed temporary file is not deleted either"
    );
}

/// The site's templates say what was decided to every reader: a stranger who rewrites
/// `theme/` to name another winner is reported (attacker review round 3); the chair restyling
/// the site is normal work.
#[test]
fn a_theme_that_misreports_the_result() {
    attack!(g);
    g.write("theme/decisions.html", "<p>lockfile: 0003 wins</p>\n");
    let c = g.commit(MALLORY, "2026-12-05", "a nicer page");
    g.caught(&c, &["theme-change"]);
    let (_, _, text) = g.json(NOW, &["audit"]);
    assert!(text.contains("theme/decisions.html"), "{text}");
}

#[test]
fn the_chair_restyles_the_site() {
    attack!(g);
    g.write("theme/style.css", ":root { --accent: #0a6; }\n");
    g.commit(ADA, "2026-12-05", "site: our colours");
    g.clean(NOW);
}

/// A journal or lock in another letter case is still reported: a checkout on a
/// case-insensitive file system (macOS, Windows) opens it as the real one (attacker review).
#[test]
fn a_committed_journal_in_another_letter_case() {
    attack!(g);
    g.write(
        ".COUNCIL.JOURNAL",
        r#"{"pid": 1, "command": "council vote", "steps": []}"#,
    );
    g.write(".Council.Lock", "");
    let c = g.commit(MALLORY, "2026-12-05", "notes");
    g.caught(&c, &["non-regular-file"]);
}

/// A journal that names files outside council's own is never carried out: running council in
/// the checkout (as CI does) moves and deletes nothing.
#[test]
fn a_committed_journal_cannot_touch_files_outside_the_repository() {
    let Some(g) = attack() else { return };
    let victim = g.root.join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    g.write("votes/registry/.ada.toml.council-1-0.tmp", "x = 1\n");
    g.symlink(g.root.to_str().unwrap(), "votes/outside");
    for step in [
        r#"{"path": "../victim.txt", "tmp": null}"#.to_owned(),
        format!(r#"{{"path": "{}", "tmp": null}}"#, victim.display()),
        r#"{"path": "votes/outside/victim.toml", "tmp": null}"#.to_owned(),
        r#"{"path": "votes/registry/ada.toml", "tmp": "../victim.txt"}"#.to_owned(),
        r#"{"path": "notes.txt", "tmp": null}"#.to_owned(),
    ] {
        g.write(
            ".council.journal",
            format!(r#"{{"pid": 1, "command": "council vote", "steps": [{step}]}}"#),
        );
        let before = g.read("votes/registry/ada.toml");
        let out = g.council(NOW).args(["check"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{step}: {err}");
        assert!(err.contains("not a file council writes there"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(g.read("votes/registry/ada.toml"), before);
        assert!(g.dir().join(".council.journal").exists());
    }
}

/// A committed lock or journal that is a link is never followed: the command stops at once
/// (exit 2) instead of waiting forever, creating a file where the link points, or reading an
/// endless file.
#[test]
fn a_committed_lock_or_journal_link_is_never_followed() {
    let Some(g) = attack() else { return };
    let target = g.root.join("created-by-council");
    g.symlink(target.to_str().unwrap(), ".council.lock");
    let out = g.council(NOW).args(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(!target.exists(), "nothing is created through the link");
    g.remove(".council.lock");
    g.symlink("/dev/zero", ".council.journal");
    let out = g.council(NOW).args(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// A link committed in the repository never carries `render --out` outside it or into .git.
#[test]
fn render_out_never_follows_a_link_out_of_the_repository() {
    let Some(g) = attack() else { return };
    let elsewhere = g.root.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    g.symlink(elsewhere.to_str().unwrap(), "public");
    g.symlink(".git", "meta");
    g.symlink("proposals", "texts");
    for out in [
        // The theme folder: the site would become the templates of the next render.
        "theme",
        "theme/site",
        "public/site",
        "meta/site",
        ".git/site",
        // Through a folder that does not exist yet: it would be made beyond the link.
        "public/new/site",
        "meta/hooks-x/site",
        "texts/new/site",
        "public/../escape/site",
    ] {
        let o = g
            .council(NOW)
            .args(["render", "--out", out])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{out}: {o:?}");
    }
    assert!(!elsewhere.join("site").exists() && !elsewhere.join("new").exists());
    assert!(!g.root.join("escape").exists());
    assert!(!g.dir().join(".git/site").exists() && !g.dir().join(".git/hooks-x").exists());
    assert!(!g.dir().join("proposals/new").exists());
}
