//! Who may change what (SPEC section 7): every commit in a range checked for forged or late
//! ballots, forbidden transitions, outcomes the tally does not support, and edits to text under
//! vote. Git is reached only through [`crate::git`].

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::rc::Rc;

use anyhow::Result;
use chrono::{DateTime, FixedOffset, Utc};

use crate::decision;
use crate::diag::Diagnostic;
use crate::git::{Change, CommitInfo, Git, ObjectId};
use crate::model::council::{self, Council};
use crate::model::proposal::Proposal;
use crate::model::status::Status;
use crate::repo::Repo;

/// What an audit found and covered.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub commits: usize,
    /// Ballot files changed (and so verified) across the range.
    pub ballots: usize,
    /// Decisions whose ballots or outcome were verified.
    pub decisions: BTreeSet<String>,
    /// Governed files changed across the range.
    pub files: usize,
}

/// The proposals and council as they stand at one commit, updated commit by commit.
#[derive(Default)]
struct State {
    at: Option<ObjectId>,
    council: Option<Rc<Council>>,
    proposals: HashMap<String, Rc<Proposal>>,
    /// Paths of the proposals of each decision, and of each id.
    by_decision: HashMap<String, BTreeSet<String>>,
    by_id: HashMap<u32, BTreeSet<String>>,
}

impl State {
    fn decision_members(&self, name: &str) -> Vec<&Proposal> {
        self.by_decision
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|path| self.proposals.get(path).map(|p| p.as_ref()))
            .collect()
    }

    fn by_id(&self, id: u32) -> Option<&Rc<Proposal>> {
        self.by_id
            .get(&id)?
            .iter()
            .find_map(|path| self.proposals.get(path))
    }

    fn insert(&mut self, path: String, p: Rc<Proposal>) {
        self.remove(&path);
        if let Some(d) = p.decision() {
            self.by_decision.entry(d).or_default().insert(path.clone());
        }
        if let Some(id) = &p.id {
            self.by_id.entry(id.value).or_default().insert(path.clone());
        }
        self.proposals.insert(path, p);
    }

    fn remove(&mut self, path: &str) {
        if let Some(old) = self.proposals.remove(path) {
            if let Some(d) = old.decision()
                && let Some(set) = self.by_decision.get_mut(&d)
            {
                set.remove(path);
            }
            if let Some(id) = &old.id
                && let Some(set) = self.by_id.get_mut(&id.value)
            {
                set.remove(path);
            }
        }
    }
}

/// council.toml versions, parsed once each, by blob id.
#[derive(Default)]
struct Parsed {
    councils: HashMap<ObjectId, Option<Rc<Council>>>,
}

/// A proposal's front matter from a blob; `None` when it is not a readable proposal.
fn parse_proposal(git: &Git, id: ObjectId, path: &str) -> Result<Option<Rc<Proposal>>> {
    let text = crate::repo::decode(git.blob(id)?).ok();
    Ok(text
        .and_then(|t| Proposal::parse_front_matter(path, t))
        .map(Rc::new))
}

impl Parsed {
    fn council(&mut self, git: &Git, id: ObjectId) -> Result<Option<Rc<Council>>> {
        if let Some(c) = self.councils.get(&id) {
            return Ok(c.clone());
        }
        let c = crate::repo::decode(git.blob(id)?)
            .ok()
            .and_then(|t| Council::parse(t).ok())
            .map(|(c, _)| Rc::new(c));
        self.councils.insert(id, c.clone());
        Ok(c)
    }
}

/// Checks every commit reachable from HEAD and not from `since`.
pub fn audit(root: &Path, git: &Git, since: Option<ObjectId>) -> Result<Report> {
    let commits = git.commits(since)?;
    let mut report = Report {
        commits: commits.len(),
        ..Report::default()
    };
    let mut state = State::default();
    let mut parsed = Parsed::default();
    for c in &commits {
        // The first commit of the whole history is an import; a range's first commit is not.
        let is_root = c.parents.is_empty();
        if c.shallow_boundary {
            report.diagnostics.push(Diagnostic::file(
                "history-incomplete",
                council::FILE,
                format!(
                    "this is a shallow clone: history before commit {} is missing, so its changes could not be verified (git fetch --unshallow)",
                    c.short()
                ),
            ));
        }
        let parent = c.parents.first().copied();
        if !is_root && !c.shallow_boundary && state.at != parent {
            state = rebuild(git, &mut parsed, parent.expect("a parent"))?;
        }
        let changes = git.changes(c)?;
        report.files += changes.len();
        let trusted = is_root || c.shallow_boundary;
        let mut next_council = state.council.clone();
        let mut updates: Vec<(String, Option<Rc<Proposal>>)> = Vec::new();
        for ch in &changes {
            if ch.path == council::FILE {
                next_council = match ch.new {
                    Some(id) => parsed.council(git, id)?,
                    None => None,
                };
            } else if ch.path.starts_with("proposals/") && ch.path.ends_with(".md") {
                let new = match ch.new {
                    Some(id) => parse_proposal(git, id, &ch.path)?,
                    None => None,
                };
                updates.push((ch.path.clone(), new));
            }
        }
        let council_before = state.council.clone().or_else(|| next_council.clone());
        for ch in &changes {
            if let Some((decision, file)) = ballot_path(&ch.path) {
                report.ballots += 1;
                report.decisions.insert(decision.to_owned());
                if !trusted {
                    check_ballot(
                        git,
                        c,
                        ch,
                        decision,
                        file,
                        council_before.as_deref(),
                        &state,
                        &mut report.diagnostics,
                    );
                }
            }
        }
        let mut closed: BTreeSet<String> = BTreeSet::new();
        for (path, new) in &updates {
            let old = state.proposals.get(path).cloned().or_else(|| {
                // A renamed proposal keeps its history: the same id, deleted elsewhere.
                let id = new.as_ref()?.id.as_ref()?.value;
                let prev = state.by_id(id)?;
                updates
                    .iter()
                    .any(|(p, n)| p == &prev.file && n.is_none())
                    .then(|| prev.clone())
            });
            if trusted {
                continue;
            }
            if let Some(d) = check_proposal(
                c,
                path,
                old.as_deref(),
                new.as_deref(),
                &mut report.diagnostics,
            ) {
                closed.insert(d);
            }
        }
        for (path, new) in updates {
            match new {
                Some(p) => state.insert(path, p),
                None => state.remove(&path),
            }
        }
        state.council = next_council;
        state.at = Some(c.id);
        for d in closed {
            report.decisions.insert(d.clone());
            check_outcome(root, git, c, &d, &state, &mut report.diagnostics)?;
        }
    }
    Ok(report)
}

/// Reads the proposals and council at `commit` from scratch (after a branch switch).
fn rebuild(git: &Git, parsed: &mut Parsed, commit: ObjectId) -> Result<State> {
    let mut state = State {
        at: Some(commit),
        ..State::default()
    };
    for ch in git.governed_files(commit)? {
        let Some(id) = ch.new else { continue };
        if ch.path == council::FILE {
            state.council = parsed.council(git, id)?;
        } else if ch.path.starts_with("proposals/")
            && ch.path.ends_with(".md")
            && let Some(p) = parse_proposal(git, id, &ch.path)?
        {
            state.insert(ch.path.clone(), p);
        }
    }
    Ok(state)
}

/// `votes/<decision>/<file>.toml` → (decision, file stem).
fn ballot_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("votes/")?;
    let (decision, file) = rest.split_once('/')?;
    Some((decision, file.strip_suffix(".toml")?))
}

fn violation(rule: &'static str, c: &CommitInfo, file: &str, msg: String) -> Diagnostic {
    Diagnostic::file(rule, file, format!("commit {}: {msg}", c.describe()))
}

/// The later of a commit's author and committer dates.
fn dated(c: &CommitInfo) -> DateTime<FixedOffset> {
    c.time.max(c.committed)
}

#[allow(clippy::too_many_arguments)]
fn check_ballot(
    git: &Git,
    c: &CommitInfo,
    ch: &Change,
    decision: &str,
    who: &str,
    council: Option<&Council>,
    state: &State,
    out: &mut Vec<Diagnostic>,
) {
    let verb = match (ch.old, ch.new) {
        (None, _) => "added",
        (_, None) => "deleted",
        _ => "changed",
    };
    let Some(council) = council else {
        out.push(violation(
            "ballot-author",
            c,
            &ch.path,
            format!(
                "{verb} {} while there was no council.toml naming delegates",
                ch.path
            ),
        ));
        return;
    };
    let owner = if who == "casting" {
        match council
            .chair
            .as_ref()
            .and_then(|ch| council.delegate(&ch.value))
        {
            Some(d) => Some(d),
            None => {
                out.push(violation(
                    "ballot-author",
                    c,
                    &ch.path,
                    format!(
                        "{verb} {}, but council.toml names no chair to cast a deciding vote",
                        ch.path
                    ),
                ));
                return;
            }
        }
    } else {
        council.delegate(who)
    };
    match owner {
        None => out.push(violation(
            "ballot-author",
            c,
            &ch.path,
            format!(
                "{verb} {}, but `{who}` is not a delegate in council.toml",
                ch.path
            ),
        )),
        Some(d) => {
            if !d.email.eq_ignore_ascii_case(&c.email) {
                let role = if who == "casting" {
                    format!("the chair, {}", d.id)
                } else {
                    d.id.clone()
                };
                out.push(violation(
                    "ballot-author",
                    c,
                    &ch.path,
                    format!(
                        "{verb} {}, which only {role} ({}) may change",
                        ch.path, d.email
                    ),
                ));
            } else if let Some(key) = &d.key {
                let problem = match git.signature(c.id) {
                    None => Some("is not signed".to_owned()),
                    Some((sig, payload)) => crate::sign::verify(key, &sig, &payload).err(),
                };
                if let Some(why) = problem {
                    out.push(violation(
                        "ballot-signature",
                        c,
                        &ch.path,
                        format!("{verb} {} but {why}: {}'s ballot commits must be signed with the key in council.toml", ch.path, d.id),
                    ));
                }
            }
        }
    }
    // Timing, against the proposals as they stood before the commit.
    let members = state.decision_members(decision);
    let date = dated(c);
    let voting: Vec<&&Proposal> = members
        .iter()
        .filter(|p| p.status.as_ref().is_some_and(|s| s.value == Status::Voting))
        .collect();
    let problem = if voting.is_empty() {
        let decided = members.iter().any(|p| {
            p.voting_opens.is_some()
                && p.status
                    .as_ref()
                    .is_some_and(|s| s.value != Status::Discussion && s.value != Status::Draft)
        });
        if decided {
            Some(format!("after decision `{decision}` was closed"))
        } else if who != "casting" {
            Some(format!("while decision `{decision}` was not in Voting"))
        } else {
            None
        }
    } else {
        let (opens, closes) = decision::window(voting.iter().map(|p| **p));
        match (opens, closes) {
            (Some(o), _) if date < o => Some(format!(
                "dated {}, before voting opened at {}",
                date.to_rfc3339(),
                o.to_rfc3339()
            )),
            (_, Some(cl)) if date > cl && who != "casting" => Some(format!(
                "dated {}, after the window closed at {}",
                date.to_rfc3339(),
                cl.to_rfc3339()
            )),
            _ => None,
        }
    };
    if let Some(why) = problem {
        out.push(violation(
            "ballot-timing",
            c,
            &ch.path,
            format!("{verb} {} {why}", ch.path),
        ));
    }
}

/// Checks one proposal's change; returns the decision it closed, if it moved Voting to
/// Accepted or Rejected.
fn check_proposal(
    c: &CommitInfo,
    path: &str,
    old: Option<&Proposal>,
    new: Option<&Proposal>,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    let new = new?;
    let new_status = new.status.as_ref().map(|s| s.value);
    let Some(old) = old else {
        if new_status.is_some_and(|s| s != Status::Draft) {
            out.push(violation(
                "proposal-start",
                c,
                path,
                format!(
                    "added {path} as {}; a new proposal starts as Draft",
                    new_status.map_or("?".into(), |s| s.to_string())
                ),
            ));
        }
        return None;
    };
    let old_status = old.status.as_ref().map(|s| s.value);
    let kind = new.kind.as_ref().or(old.kind.as_ref()).map(|k| k.value);
    if let (Some(from), Some(to), Some(kind)) = (old_status, new_status, kind)
        && from != to
        && !from.can_move_to(to, kind)
    {
        out.push(violation(
            "status-transition",
            c,
            path,
            format!("moved {path} from {from} to {to}, which is not an allowed transition"),
        ));
    }
    if old_status == Some(Status::Voting)
        && matches!(
            new_status,
            Some(Status::Voting | Status::Accepted | Status::Rejected)
        )
    {
        if old.title_str() != new.title_str() {
            out.push(violation(
                "frozen-text",
                c,
                path,
                format!("changed the title of {path} while it was in Voting"),
            ));
        }
        if old.body() != new.body() {
            out.push(violation(
                "frozen-text",
                c,
                path,
                format!("changed the body of {path} while it was in Voting"),
            ));
        }
    }
    if old_status == Some(Status::Voting)
        && matches!(new_status, Some(Status::Accepted | Status::Rejected))
    {
        return new.decision();
    }
    None
}

/// A decision moved out of Voting into Accepted/Rejected at `c`: with ballots, the tally at
/// that commit must be decided and agree with every status written.
fn check_outcome(
    root: &Path,
    git: &Git,
    c: &CommitInfo,
    name: &str,
    state: &State,
    out: &mut Vec<Diagnostic>,
) -> Result<()> {
    let members: Vec<String> = state
        .decision_members(name)
        .iter()
        .map(|p| p.file.clone())
        .collect();
    let process = state
        .council
        .as_ref()
        .and_then(|cl| cl.process.as_ref())
        .and_then(|id| state.by_id(id.value))
        .map(|p| p.file.clone());
    let mut paths = members;
    paths.push(council::FILE.to_owned());
    paths.extend(process);
    let files = git.read_paths(c.id, &paths, &[format!("votes/{name}")])?;
    let repo = Repo::load_for_count(root, &files)?;
    let Some(d) = decision::find(decision::decisions(&repo), name) else {
        return Ok(());
    };
    if d.ballots.is_empty() {
        return Ok(()); // decided by hand: `resolution` is checked by `check`
    }
    let t = decision::tally(&repo, &d, dated(c).with_timezone(&Utc));
    for p in &d.proposals {
        let (Some(st), Some(opt)) = (&p.status, p.option()) else {
            continue;
        };
        if !matches!(st.value, Status::Accepted | Status::Rejected) {
            continue;
        }
        let expected = t.outcome.get(&opt).copied();
        if expected != Some(st.value) {
            let why = match expected {
                Some(e) => format!("the tally at that commit says {e}"),
                None => format!("the tally at that commit is {}", t.state.as_str()),
            };
            out.push(violation(
                "status-tally",
                c,
                &p.file,
                format!("set {} to {} but {why}", p.file, st.value),
            ));
        }
    }
    Ok(())
}
