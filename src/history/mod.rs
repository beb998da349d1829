//! Who may change what (SPEC section 7), judged commit by commit for `check --base` and `audit`.
//!
//! [`TABLE`] is SPEC section 7's table, one [`Row`] per line, in the SPEC's order and words; one
//! engine ([`audit`]) finds the rows that apply to each change of a commit and runs them. Every
//! commit is judged against the state of the repository before it (its first parent), so the
//! authority to change a governed file never comes from the change itself. Git is reached only
//! through [`crate::git`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};

use crate::decision;
use crate::diag::Diagnostic;
use crate::git::{Change, CommitInfo, Entry, Git, ObjectId};
use crate::model::ballot::{BallotFile, Casting};
use crate::model::council::{self, Council};
use crate::model::proposal::Proposal;
use crate::model::record::{self, Elector, Record, RuleTerms, State as DState};
use crate::model::status::Status;

mod state;
mod table;

pub use state::Seed;
use state::*;
use table::*;
pub use table::{Row, Subject, TABLE};

/// What an audit found and covered.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub commits: usize,
    /// Ballot files changed (and so verified) across the range.
    pub ballots: usize,
    /// Decisions whose record or ballots changed across the range.
    pub decisions: BTreeSet<String>,
    /// Governed files changed across the range.
    pub files: usize,
}

/// Everything a row's check sees: the commit, the state after it, what its changes replaced,
/// and when the change counts as made.
struct Judge<'a> {
    git: &'a Git,
    commit: &'a CommitInfo,
    after: &'a State,
    old: &'a HashMap<String, Option<Item>>,
    changes: &'a [Change],
    /// When the change counts as made; `None` for a commit off the first-parent line (judged
    /// for time at the merge that brings it in).
    time: Option<DateTime<Utc>>,
    /// The change is the branch's, brought in by a merge (a path of `covered_paths`).
    covered: bool,
    /// The paths whose change in this merge its branch brought.
    covered_paths: &'a HashSet<String>,
    /// The commit whose author and signature the rows that name a person judge: the commit
    /// itself, or for a change a merge brings from its branch, the branch commit that made it.
    author: &'a CommitInfo,
    /// The commit is the first of the history.
    import: bool,
    out: Vec<Diagnostic>,
    ballots: usize,
    decisions: BTreeSet<String>,
    /// The decisions whose records the commit changes (computed once: the rows ask per file).
    changed_records: BTreeSet<String>,
    /// The path of the process document in force before the commit, once asked for.
    process_before: std::cell::OnceCell<Option<String>>,
    /// `changes` by path.
    change_at: HashMap<&'a str, &'a Change>,
}

/// A person the table names: id, email and key.
struct Person<'a> {
    id: &'a str,
    email: &'a str,
    key: Option<&'a str>,
}

impl<'a> From<&'a Elector> for Person<'a> {
    fn from(e: &'a Elector) -> Self {
        Person {
            id: &e.id,
            email: &e.email,
            key: e.key.as_deref(),
        }
    }
}

impl<'a> From<&'a council::Delegate> for Person<'a> {
    fn from(d: &'a council::Delegate) -> Self {
        Person {
            id: &d.id,
            email: &d.email,
            key: d.key.as_deref(),
        }
    }
}

impl Judge<'_> {
    fn before_item(&self, path: &str) -> Option<&Item> {
        match self.old.get(path) {
            Some(o) => o.as_ref(),
            None => self.after.files.get(path),
        }
    }

    fn before_council(&self) -> Option<&Council> {
        match self.before_item(council::FILE).map(|i| &i.parsed) {
            Some(Parsed::Council(c)) => c.as_deref(),
            _ => None,
        }
    }

    fn before_proposal(&self, path: &str) -> Option<&Proposal> {
        match self.before_item(path).map(|i| &i.parsed) {
            Some(Parsed::Proposal(p)) => p.as_deref(),
            _ => None,
        }
    }

    /// The record of `name` before the commit, shared (no copy).
    fn before_record_shared(&self, name: &str) -> Option<Arc<Record>> {
        match self.before_item(&record::path(name)).map(|i| &i.parsed) {
            Some(Parsed::Record(r)) => r.clone(),
            _ => None,
        }
    }

    fn before_record(&self, name: &str) -> Option<&Record> {
        match self.before_item(&record::path(name)).map(|i| &i.parsed) {
            Some(Parsed::Record(r)) => r.as_deref(),
            _ => None,
        }
    }

    /// The records that named the proposal file `path` before the commit.
    fn records_naming(&self, path: &str) -> Vec<&Record> {
        let mut names: BTreeSet<&str> = self
            .after
            .named_by
            .get(path)
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        names.extend(self.changed_records.iter().map(String::as_str));
        names
            .into_iter()
            .filter_map(|n| self.before_record(n))
            .filter(|r| r.options.iter().any(|o| o.file == path))
            .collect()
    }

    /// The process document in force before the commit.
    fn before_process(&self) -> Option<(String, &Proposal)> {
        let path = self
            .process_before
            .get_or_init(|| {
                let id = self.before_council()?.process.as_ref()?.value;
                let mut paths: BTreeSet<&String> =
                    self.after.by_id.get(&id).into_iter().flatten().collect();
                paths.extend(self.old.keys().filter(|k| proposal_path(k)));
                paths.into_iter().find_map(|path| {
                    self.before_proposal(path)
                        .filter(|p| p.id.as_ref().is_some_and(|i| i.value == id))
                        .map(|_| path.clone())
                })
            })
            .as_ref()?;
        Some((path.clone(), self.before_proposal(path)?))
    }

    /// [`Judge::authored_by`] delegate `id` with the email and key record `rec` holds for them
    /// (as an elector), else as council.toml stood before the commit.
    fn authored_by_in(&mut self, rec: &Record, id: &str, file: &str, what: &str) -> bool {
        let (email, key) = rec
            .elector(id)
            .map(|e| (e.email.clone(), e.key.clone()))
            .or_else(|| {
                self.before_council()
                    .and_then(|c| c.delegate(id))
                    .map(|d| (d.email.clone(), d.key.clone()))
            })
            .unwrap_or_default();
        let who = Person {
            id,
            email: &email,
            key: key.as_deref(),
        };
        self.authored_by(who, file, what)
    }

    /// When a change counts as made, `t`, said with why when it is not the commit's own date
    /// (`check --base` counts changes as made when it runs).
    fn when(&self, t: DateTime<Utc>) -> String {
        if t == self.commit.committed.with_timezone(&Utc) {
            rfc(t)
        } else {
            format!(
                "{} (now: check --base counts a change as made when it runs; the commit is dated {})",
                rfc(t),
                rfc(self.commit.committed.with_timezone(&Utc))
            )
        }
    }

    /// The change of `path` in this commit, if any.
    fn change(&self, path: &str) -> Option<&Change> {
        self.change_at.get(path).copied()
    }

    fn report(&mut self, rule: &'static str, file: &str, msg: String) {
        self.out.push(violation(rule, self.commit, file, msg));
    }

    /// A finding pointing into the new text of `file` (e.g. at its status line).
    fn report_at(
        &mut self,
        rule: &'static str,
        p: &Proposal,
        span: std::ops::Range<usize>,
        msg: String,
    ) {
        let d = Diagnostic::at(
            rule,
            &p.file,
            &p.source,
            span,
            format!("commit {}: {msg}", self.commit.describe()),
        )
        .in_commit(self.commit.id.to_string());
        self.out.push(d);
    }

    /// Whether the commit is authored (and signed, where there is a key) by `who`; reports
    /// why not under `rule`, saying what `what` the person was needed for.
    fn authored_by(&mut self, who: Person<'_>, file: &str, what: &str) -> bool {
        let author = self.author;
        // A change a merge brings is judged by the branch commit that made it, against the
        // state before the merge: the branch's own state may hold other identities.
        let by = if author.id == self.commit.id {
            "the commit is".to_owned()
        } else {
            format!("it comes from commit {}, which is", author.short())
        };
        if !who.email.eq_ignore_ascii_case(&author.email) {
            let rule = identity_rule(file, "ballot-author");
            self.report(
                rule,
                file,
                format!(
                    "{what}, which only {} ({}) may change; {by} authored by {}",
                    who.id, who.email, author.email
                ),
            );
            return false;
        }
        if let Some(key) = who.key
            && let Err(why) = self.signed_with(key)
        {
            let rule = identity_rule(file, "ballot-signature");
            let why = if author.id == self.commit.id {
                why
            } else {
                format!("{why} (commit {}, which made this version)", author.short())
            };
            self.report(
                rule,
                file,
                format!(
                    "{what}, but {why}: {}'s commits must carry an SSH signature by their key",
                    who.id
                ),
            );
            return false;
        }
        true
    }

    /// Whether the author commit carries a valid SSH signature by `key`; why not.
    fn signed_with(&self, key: &str) -> Result<(), String> {
        match self.git.signature(self.author.id) {
            None => Err("the commit is not signed".to_owned()),
            Some((sig, payload)) => crate::sign::verify(key, &sig, &payload),
        }
    }

    /// The count of decision `name`'s record over the ballots at this commit, as of `at`.
    fn count(
        &self,
        rec: &Record,
        at: DateTime<Utc>,
        with_casting: bool,
    ) -> Result<decision::Tally> {
        let mut ballots = Vec::new();
        let mut casting = None;
        for (path, item) in self.after.votes(&rec.decision) {
            let Some((d, who)) = ballot_path(path) else {
                continue;
            };
            if item.entry.special.is_some() {
                continue;
            }
            let text = crate::repo::decode(self.git.blob(item.entry.id)?).unwrap_or_default();
            if who == "casting" {
                if with_casting {
                    casting = Some(Casting::parse(path, d, text).0);
                }
            } else {
                ballots.push(BallotFile::parse(path, d, who, text).0);
            }
        }
        let d = decision::Decision {
            name: rec.decision.clone(),
            record: Some(rec),
            proposals: Vec::new(),
            ballots: ballots.iter().collect(),
            casting: casting.as_ref(),
        };
        Ok(decision::count(&d, at))
    }
}

/// The rule that reports a change to `file` by the wrong person: `ballot_rule` for ballots.
fn identity_rule(file: &str, ballot_rule: &'static str) -> &'static str {
    if file.starts_with("votes/") {
        ballot_rule
    } else if file == council::FILE {
        "council-change"
    } else if file.starts_with("proposals/") {
        "status-transition"
    } else if theme_path(file) {
        "theme-change"
    } else {
        "record-change"
    }
}

fn violation(rule: &'static str, c: &CommitInfo, file: &str, msg: String) -> Diagnostic {
    Diagnostic::file(rule, file, format!("commit {}: {msg}", c.describe()))
        .in_commit(c.id.to_string())
}

fn verb(ch: &Change) -> &'static str {
    match (ch.old, ch.new) {
        (None, _) => "added",
        (_, None) => "deleted",
        _ => "changed",
    }
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

// ---- The engine ------------------------------------------------------------------------------

/// The rows that apply to one change.
fn subjects(j: &Judge<'_>, ch: &Change) -> Vec<Subject> {
    let mut out = Vec::new();
    if ch.path == council::FILE {
        out.push(Subject::CouncilFile);
    } else if theme_path(&ch.path) {
        out.push(Subject::Theme);
    } else if proposal_path(&ch.path) {
        let records = j.records_naming(&ch.path);
        if records.iter().any(|r| !r.is_closed()) {
            out.push(Subject::ProposalInVoting);
        }
        if !records.is_empty() {
            out.push(Subject::ProposalRecorded);
        }
        out.push(Subject::ProposalStatus);
        if j.before_process().is_some_and(|(p, _)| p == ch.path) {
            out.push(Subject::ProcessRules);
        }
    } else if let Some(name) = record_name(&ch.path) {
        let before = j.before_item(&ch.path).map(|i| &i.parsed);
        let before = match before {
            Some(Parsed::Record(r)) => Some(r.as_deref()),
            Some(_) => Some(None),
            None => None,
        };
        let after = j.after.record(name);
        out.push(match (before, ch.new, after) {
            (None, Some(_), _) => Subject::RecordCreated,
            (Some(Some(b)), None, _) if !b.is_closed() => Subject::RecordRemoved,
            (Some(Some(b)), Some(_), Some(a))
                if !b.is_closed() && a.is_closed() && a.terms() == b.terms() =>
            {
                Subject::RecordClosed
            }
            _ => Subject::RecordOther,
        });
    } else if let Some((_, who)) = ballot_path(&ch.path) {
        out.push(if who == "casting" {
            Subject::Casting
        } else {
            Subject::Ballot
        });
    }
    out
}

/// Whether the rows for `path` name a person whose authorship is checked.
fn names_a_person(path: &str) -> bool {
    path == council::FILE
        || path.starts_with("votes/")
        || path.starts_with("decisions/")
        || theme_path(path)
}

/// Runs every applicable row over every change of one commit.
fn judge_changes<'a>(
    j: &mut Judge<'a>,
    changes: &[Change],
    authors: &HashMap<String, &'a CommitInfo>,
) {
    for ch in changes {
        if let Some(e) = ch.new
            && let Some(why) = e.special
        {
            j.report(
                "non-regular-file",
                &ch.path,
                format!("{} {} {why}", verb(ch), ch.path),
            );
            continue;
        }
        if ["proposals", "decisions", "votes"].contains(&ch.path.as_str()) && ch.new.is_some() {
            j.report(
                "non-regular-file",
                &ch.path,
                format!("{} {} as a file, where a folder belongs", verb(ch), ch.path),
            );
            continue;
        }
        if let Some(governed) = crate::git::case_variant(&ch.path)
            && ch.new.is_some()
        {
            j.report(
                "non-regular-file",
                &ch.path,
                format!(
                    "{} {}: its name differs from {governed} only in letter case, and a checkout on a case-insensitive file system (macOS, Windows) reads it as {governed}; governed names are lower case",
                    verb(ch),
                    ch.path
                ),
            );
            continue;
        }
        let name = ch.path.rsplit('/').next().unwrap_or(&ch.path);
        if crate::write::is_working_file(name) && ch.new.is_some() {
            j.report(
                "non-regular-file",
                &ch.path,
                format!(
                    "{} {}: a council command's lock, journal or temporary file, which lives only while the command runs and is never committed (a committed journal would move files in every checkout that runs council)",
                    verb(ch),
                    ch.path
                ),
            );
            continue;
        }
        if j.import {
            continue;
        }
        let stray = (ch.path.starts_with("decisions/") && record_name(&ch.path).is_none())
            || (ch.path.starts_with("votes/") && ballot_path(&ch.path).is_none());
        if stray && ch.new.is_some() {
            j.report(
                "non-regular-file",
                &ch.path,
                format!(
                    "{} {}: {}",
                    verb(ch),
                    ch.path,
                    if ch.path.starts_with("votes/") {
                        "votes/ holds only <decision>/<delegate>.toml ballots"
                    } else {
                        "decisions/ holds only <decision>.toml records"
                    }
                ),
            );
            continue;
        }
        j.covered = j.covered_paths.contains(&ch.path);
        let commit = j.commit;
        j.author = authors.get(&ch.path).copied().unwrap_or(commit);
        for s in subjects(j, ch) {
            let row = TABLE
                .iter()
                .find(|r| r.subject == s)
                .expect("a row per subject");
            (row.check)(j, ch);
        }
        j.covered = false;
        j.author = commit;
    }
}

/// How many commits' differences `check --base` reads before its seed is ready.
const AHEAD: usize = 64;

/// What one commit changed, read from git alone (no parsed file).
struct Step {
    /// The difference from its first parent (from nothing for a root).
    changes: Vec<Change>,
    /// For a merge: the paths whose new version its branch brought, the branch's own commits
    /// having been judged for it.
    covered: HashSet<String>,
    /// For a merge: the parents that share no history with the first, each with whether a
    /// shallow clone's cut may hide the history they share.
    unrelated: Vec<(ObjectId, bool)>,
}

impl Step {
    fn of(git: &Git, c: &CommitInfo) -> Result<Step> {
        let changes = git.diff(c.parents.first().copied(), c.id)?;
        let mut covered = HashSet::new();
        let mut unrelated = Vec::new();
        if let [p1, others @ ..] = c.parents.as_slice() {
            for other in others {
                let Some(base) = git.merge_base(*p1, *other) else {
                    let cut = git.reaches_cut(*p1)? || git.reaches_cut(*other)?;
                    unrelated.push((*other, cut));
                    continue;
                };
                // What the branch changed since the merge base, as one tree difference.
                let branch: HashMap<String, Option<Entry>> = git
                    .diff(Some(base), *other)?
                    .into_iter()
                    .map(|b| (b.path, b.new))
                    .collect();
                // The branch's version, where the first parent kept the merge base's: had the
                // first parent changed the file too, which version stays is the merge's choice
                // (a delegate's replaced ballot brought back over her newer one, say).
                for ch in &changes {
                    if branch.get(&ch.path).is_some_and(|theirs| *theirs == ch.new)
                        && git.entry_at(base, &ch.path)? == ch.old
                    {
                        covered.insert(ch.path.clone());
                    }
                }
            }
        }
        Ok(Step {
            changes,
            covered,
            unrelated,
        })
    }
}

/// Checks every commit reachable from HEAD and not from `since`. With `now` (as `check --base`
/// runs), every change counts as made now, and commits dated in the future are errors.
pub fn audit(git: &Git, since: Option<ObjectId>, now: Option<DateTime<Utc>>) -> Result<Report> {
    audit_seeded(git, since, now, Seed::default)
}

/// [`audit`], starting from files already parsed (see [`Seed`]). `seed` is called once the
/// commits and the base's file list are read from git, so that it can wait for files being
/// loaded meanwhile.
pub fn audit_seeded(
    git: &Git,
    since: Option<ObjectId>,
    now: Option<DateTime<Utc>>,
    seed: impl FnOnce() -> Seed,
) -> Result<Report> {
    let commits = git.commits(since)?;
    let by_id: HashMap<ObjectId, &CommitInfo> = commits.iter().map(|c| (c.id, c)).collect();
    // The first-parent line from HEAD (the last commit, parents coming first), newest first.
    let mut chain = Vec::new();
    let mut at = commits.last().map(|c| c.id);
    while let Some(c) = at.and_then(|id| by_id.get(&id)) {
        chain.push(c.id);
        at = if c.shallow_boundary {
            None
        } else {
            c.parents.first().copied()
        };
    }
    let on_chain: HashSet<ObjectId> = chain.iter().copied().collect();
    let import = if since.is_none() {
        chain.last().copied()
    } else {
        None
    };
    // `audit` of a shallow clone whose first-parent line ends at the cut: the history's first
    // commit is not known.
    let chain_cut = since.is_none()
        && chain
            .last()
            .and_then(|id| by_id.get(id))
            .is_some_and(|c| c.shallow_boundary);
    let mut report = Report {
        commits: commits.len(),
        ..Report::default()
    };
    // A base outside HEAD's history: the range starts where they part, and what the base holds
    // beyond that (perhaps dropped by a rewrite) is not judged.
    if let Some(s) = since {
        let head = git.resolve("HEAD")?;
        if git.merge_base(s, head) != Some(s) {
            report.diagnostics.push(Diagnostic::file(
                "history-incomplete",
                "",
                format!(
                    "the base {} is not an ancestor of HEAD: only the commits since they parted are judged; commits of the base that HEAD does not hold (dropped by a rewrite, say) are not",
                    s.short()
                ),
            ));
        }
    }
    // Commit times along the first-parent line never go backwards.
    let since_info = match since {
        Some(s) => Some(git.commit(s)?),
        None => None,
    };
    let mut prev = since_info.as_ref();
    for id in chain.iter().rev() {
        let c = by_id[id];
        if let Some(p) = prev
            && c.committed < p.committed
        {
            report.diagnostics.push(violation(
                "commit-time",
                c,
                "",
                format!(
                    "dated {}, before the commit before it on the first-parent line ({}, {}): commit times never go backwards",
                    c.committed.to_rfc3339(),
                    p.short(),
                    p.committed.to_rfc3339()
                ),
            ));
        }
        if let Some(n) = now
            && c.committed.with_timezone(&Utc) > n + SKEW
        {
            report.diagnostics.push(violation(
                "commit-time",
                c,
                "",
                format!(
                    "dated {}, in the future (it is now {})",
                    c.committed.to_rfc3339(),
                    rfc(n)
                ),
            ));
        }
        prev = Some(c);
    }
    let mut state = State::default();
    let mut cache = Cache::default();
    let mut ahead: Vec<Option<Step>> = Vec::new();
    match since {
        Some(s) if !commits.is_empty() => {
            // The folders of votes/ are listed only where the range reaches them.
            let (base, unlisted) = git.files_deferring_votes(s)?;
            // While the seed is still being loaded, the first commits' differences are read
            // (they need no parsed file): a pull request's few commits, all of them.
            ahead = (commits.iter().take(AHEAD))
                .map(|c| (!c.shallow_boundary).then(|| Step::of(git, c)).transpose())
                .collect::<Result<_>>()?;
            cache.seed = seed();
            state.update(git, &mut cache, &base, |_, _| {})?;
            state.unlisted = unlisted.into_iter().collect();
            state.at = Some(s);
        }
        _ => cache.seed = seed(),
    }
    // Which commit made each version of the files whose rows name a person (ballots, records,
    // council.toml): a merge that brings a version from its branch is judged by its maker.
    let mut makers: HashMap<(String, Entry), ObjectId> = HashMap::new();
    for (index, c) in commits.iter().enumerate() {
        if c.shallow_boundary {
            report.diagnostics.push(Diagnostic::file(
                "history-incomplete",
                "",
                format!(
                    "this is a shallow clone: history before commit {} is missing, so its changes could not be verified (git fetch --unshallow)",
                    c.short()
                ),
            ));
            state.move_to(git, &mut cache, Some(c.id))?;
            continue;
        }
        let mut is_import = Some(c.id) == import && c.parents.is_empty();
        let first = c.parents.first().copied();
        if c.parents.is_empty() && !is_import {
            if chain_cut {
                // The first-parent line ends at the cut, so this may be the first commit.
                report.diagnostics.push(Diagnostic::file(
                    "history-incomplete",
                    "",
                    format!(
                        "this is a shallow clone whose first-parent line is cut: commit {} has no parents, and whether it is the history's first commit could not be verified (git fetch --unshallow)",
                        c.short()
                    ),
                ));
                is_import = true;
            } else {
                report.diagnostics.push(violation(
                    "history-root",
                    c,
                    "",
                    "a commit without parents: only the first commit of the history may bring in files unchecked".into(),
                ));
            }
        }
        let Step {
            changes,
            covered,
            unrelated,
        } = match ahead.get_mut(index).and_then(Option::take) {
            Some(step) => step,
            None => Step::of(git, c)?,
        };
        for (other, cut) in unrelated {
            report.diagnostics.push(if cut {
                Diagnostic::file(
                    "history-incomplete",
                    "",
                    format!(
                        "this is a shallow clone: merge {} joins {} but the history they share is missing, so what the merge brought could not be verified (git fetch --unshallow)",
                        c.short(),
                        other.short()
                    ),
                )
            } else {
                violation(
                    "history-root",
                    c,
                    "",
                    format!(
                        "a merge that joins an unrelated history ({}): its files were never checked",
                        other.short()
                    ),
                )
            });
        }
        // The maker of each covered change, where it is known.
        let mut authors: HashMap<String, &CommitInfo> = HashMap::new();
        for ch in changes.iter().filter(|ch| names_a_person(&ch.path)) {
            let key = (ch.path.clone(), ch.new.unwrap_or(Entry::ABSENT));
            let maker = if covered.contains(&ch.path) {
                let made = makers.get(&key).copied();
                if let Some(m) = made.and_then(|m| by_id.get(&m)) {
                    authors.insert(ch.path.clone(), *m);
                }
                made.unwrap_or(c.id)
            } else {
                c.id
            };
            makers.insert(key, maker);
        }
        state.move_to(git, &mut cache, first)?;
        let old = state.apply(git, &mut cache, &changes)?;
        state.at = Some(c.id);
        // The rows of a record read its ballots.
        for ch in &changes {
            state.list_votes(git, &mut cache, &ch.path)?;
        }
        report.files += changes.len();
        let time = match now {
            Some(n) => Some(n.max(c.committed.with_timezone(&Utc))),
            None => on_chain
                .contains(&c.id)
                .then(|| c.committed.with_timezone(&Utc)),
        };
        let mut j = Judge {
            git,
            commit: c,
            after: &state,
            old: &old,
            changes: &changes,
            time,
            covered: false,
            covered_paths: &covered,
            author: c,
            import: is_import,
            out: Vec::new(),
            ballots: 0,
            decisions: BTreeSet::new(),
            changed_records: changes
                .iter()
                .filter_map(|c| record_name(&c.path).map(str::to_owned))
                .collect(),
            process_before: std::cell::OnceCell::new(),
            change_at: changes.iter().map(|c| (c.path.as_str(), c)).collect(),
        };
        judge_changes(&mut j, &changes, &authors);
        report.ballots += j.ballots;
        report.decisions.extend(j.decisions);
        report.diagnostics.extend(j.out);
    }
    crate::repo::drop_in_background((state, cache));
    Ok(report)
}
