//! `council check`: every rule of SPEC sections 2-5 over a loaded repository.
//!
//! The lints report findings as [`Diagnostic`]s; [`apply_levels`] then sets each one's severity
//! from the rule catalog, `[lints]` and the command line, dropping the allowed ones.

pub mod catalog;
mod proposals;

pub use proposals::slugify;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use crate::decision::{self, State};
use crate::diag::{Diagnostic, Severity};
use crate::model::council;
use crate::model::status::{Status, Type};
use crate::repo::Repo;
use catalog::{Level, Levels};

/// Every finding in the repository, severities not yet applied.
pub fn check(repo: &Repo, now: DateTime<Utc>) -> Vec<Diagnostic> {
    let mut out = repo.diagnostics.clone();
    let rules = repo.rules();
    let voted: BTreeSet<&str> = repo.ballots.iter().map(|b| b.decision.as_str()).collect();
    let per_file = crate::repo::parallel_map(&repo.proposals, |p| {
        let mut d = Vec::new();
        let has_votes = p.decision().is_some_and(|n| voted.contains(n.as_str()));
        proposals::check(p, &rules, &repo.root, has_votes, &mut d);
        d
    });
    out.extend(per_file.into_iter().flatten());
    cross_file(repo, &mut out);
    ballots(repo, now, &mut out);
    out
}

fn cross_file(repo: &Repo, out: &mut Vec<Diagnostic>) {
    let mut by_id: HashMap<u32, &crate::model::proposal::Proposal> = HashMap::new();
    for p in &repo.proposals {
        let Some(id) = &p.id else { continue };
        if let Some(first) = by_id.get(&id.value) {
            out.push(Diagnostic::at(
                "duplicate-id",
                &p.file,
                &p.source,
                id.span.clone(),
                format!("id {} is already used by {}", id.value, first.file),
            ));
        } else {
            by_id.insert(id.value, p);
        }
    }
    for p in &repo.proposals {
        let refs = p
            .requires
            .iter()
            .map(|r| ("requires", r))
            .chain(p.replaces.iter().map(|r| ("replaces", r)))
            .chain(p.superseded_by.iter().map(|r| ("superseded-by", r)));
        for (field, r) in refs {
            if !by_id.contains_key(&r.value) {
                out.push(Diagnostic::at(
                    "unresolved-reference",
                    &p.file,
                    &p.source,
                    r.span.clone(),
                    format!("`{field}` names proposal {}, which does not exist", r.value),
                ));
            } else if p.id.as_ref().is_some_and(|id| id.value == r.value) {
                out.push(Diagnostic::at(
                    "unresolved-reference",
                    &p.file,
                    &p.source,
                    r.span.clone(),
                    format!("`{field}` names this proposal itself"),
                ));
            }
        }
        let status = p.status.as_ref().map(|s| s.value);
        if let (Some(by), Some(id)) = (&p.superseded_by, &p.id) {
            if status != Some(Status::Superseded) {
                out.push(Diagnostic::at(
                    "supersede-symmetry",
                    &p.file,
                    &p.source,
                    by.span.clone(),
                    format!(
                        "`superseded-by` is set, so the status must be Superseded (it is {})",
                        status.map_or("missing".into(), |s| s.to_string())
                    ),
                ));
            }
            if let Some(b) = by_id.get(&by.value)
                && !b.replaces.iter().any(|r| r.value == id.value)
            {
                out.push(Diagnostic::at(
                    "supersede-symmetry",
                    &p.file,
                    &p.source,
                    by.span.clone(),
                    format!(
                        "superseded by {}, but {} does not list {} in `replaces`",
                        by.value, b.file, id.value
                    ),
                ));
            }
        } else if let (Some(Status::Superseded), Some(st)) = (status, &p.status) {
            out.push(Diagnostic::at(
                "supersede-symmetry",
                &p.file,
                &p.source,
                st.span.clone(),
                "a Superseded proposal names its successor in `superseded-by`".to_owned(),
            ));
        }
        if let Some(r) = &p.rules
            && repo.council.process.as_ref().map(|i| i.value) != p.id.as_ref().map(|i| i.value)
        {
            out.push(Diagnostic::at(
                    "unknown-field",
                    &p.file,
                    &p.source,
                    r.span.start..r.span.start,
                    "`rules` only takes effect in the process document named by council.toml's `process`".to_owned(),
                ));
        }
    }
    if let Some(pid) = &repo.council.process {
        let src = &repo.council.source;
        match by_id.get(&pid.value) {
            None => out.push(Diagnostic::at(
                "invalid-process",
                council::FILE,
                src,
                pid.span.clone(),
                format!("`process = {}` names no proposal in proposals/", pid.value),
            )),
            Some(p) => {
                if p.kind.as_ref().is_some_and(|k| k.value != Type::Process) {
                    out.push(Diagnostic::at(
                        "invalid-process",
                        council::FILE,
                        src,
                        pid.span.clone(),
                        format!(
                            "`process = {}` names {}, which is not of type process",
                            pid.value, p.file
                        ),
                    ));
                }
                out.extend(p.rules_problems.iter().cloned());
            }
        }
    }
}

fn ballots(repo: &Repo, now: DateTime<Utc>, out: &mut Vec<Diagnostic>) {
    let chair = repo.council.chair.as_ref().map(|c| c.value.as_str());
    for d in decision::decisions(repo) {
        let decided = !d.proposals.is_empty() && !d.in_voting();
        for b in &d.ballots {
            if b.malformed {
                continue;
            }
            out.extend(decision::ballot_problems(repo, &d, b));
            if decided
                && d.proposals.iter().all(|p| {
                    p.status.as_ref().is_some_and(|s| {
                        matches!(
                            s.value,
                            Status::Discussion
                                | Status::Draft
                                | Status::Deferred
                                | Status::Withdrawn
                        )
                    })
                })
            {
                out.push(Diagnostic::file(
                    "ballot-decision",
                    &b.file,
                    format!("decision `{}` is not in Voting: its ballots were cancelled with the vote; delete them", d.name),
                ));
            }
        }
        if d.proposals.is_empty() {
            continue;
        }
        let t = decision::tally(repo, &d, now);
        if let Some(c) = repo.castings.iter().find(|c| c.decision == d.name)
            && let Some(w) = &c.winner
        {
            let tied = t.count.winner_names();
            let problem = if chair.is_none() {
                Some("council.toml names no `chair`, so there is no casting vote".to_owned())
            } else if tied.len() < 2 {
                Some(format!(
                    "decision `{}` is not tied: a casting vote only settles a tie",
                    d.name
                ))
            } else if !tied.contains(&w.value) {
                Some(format!(
                    "`{}` is not one of the tied options ({})",
                    w.value,
                    tied.join(", ")
                ))
            } else {
                None
            };
            if let Some(msg) = problem {
                out.push(Diagnostic::at(
                    "casting-vote",
                    &c.file,
                    &c.source,
                    w.span.clone(),
                    msg,
                ));
            }
        }
        if !decided || d.ballots.is_empty() {
            continue;
        }
        for p in &d.proposals {
            let (Some(st), Some(opt)) = (&p.status, p.option()) else {
                continue;
            };
            let expected = t.outcome.get(&opt).copied();
            let agrees = matches!(
                (st.value, expected),
                (
                    Status::Accepted | Status::Final | Status::Active,
                    Some(Status::Accepted)
                ) | (Status::Rejected, Some(Status::Rejected))
                    | (
                        Status::Superseded
                            | Status::Withdrawn
                            | Status::Deferred
                            | Status::Draft
                            | Status::Discussion,
                        _
                    )
            );
            if !agrees {
                let why = match expected {
                    Some(e) => format!("the tally of its ballots says {e}"),
                    None if t.state == State::Decided => "the tally does not decide it".to_owned(),
                    None => format!("the tally of its ballots is {}", t.state.as_str()),
                };
                out.push(Diagnostic::at(
                    "status-tally",
                    &p.file,
                    &p.source,
                    st.span.clone(),
                    format!(
                        "status is {} but {why} (run `council tally {}`)",
                        st.value, d.name
                    ),
                ));
            }
        }
    }
}

/// Builds the rule levels of a run: defaults, `[lints]`, then the command-line overrides in the
/// order given. Unknown rule names on the command line come back as errors.
pub fn levels(repo: &Repo, overrides: &[(Level, String)]) -> Result<Levels, String> {
    let mut levels = Levels::default();
    for (rule, level, _) in &repo.council.lints {
        levels.set(rule, *level);
    }
    for (level, rule) in overrides {
        if !levels.set(rule, *level) {
            return Err(format!(
                "unknown rule `{rule}` (see `council check --list-rules`)"
            ));
        }
    }
    Ok(levels)
}

/// Sets severities, drops allowed findings and duplicates, and sorts by file and position.
pub fn apply_levels(diags: Vec<Diagnostic>, levels: &Levels) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diags
        .into_iter()
        .filter_map(|mut d| {
            d.severity = match levels.get(d.rule) {
                Level::Error => Severity::Error,
                Level::Warning => Severity::Warning,
                Level::Allow => return None,
            };
            Some(d)
        })
        .collect();
    out.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.message.cmp(&b.message))
    });
    out.dedup();
    out
}

/// The findings in one proposal's own text (as `status` checks an edit before writing it).
pub fn check_one(repo: &Repo, file: &str, source: String) -> Vec<Diagnostic> {
    let (p, mut out) = crate::model::proposal::Proposal::parse(file, source);
    if let Some(p) = p {
        let has_votes = p
            .decision()
            .is_some_and(|n| repo.ballots.iter().any(|b| b.decision == n));
        proposals::check(&p, &repo.rules(), &repo.root, has_votes, &mut out);
    }
    out
}
