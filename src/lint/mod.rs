//! `council check`: every rule of SPEC sections 2-5 over a loaded repository.
//!
//! The lints report findings as [`Diagnostic`]s; [`apply_levels`] then sets each one's severity
//! from the rule catalog, `[lints]` and the command line, dropping the allowed ones.

pub mod catalog;
mod proposals;

pub use proposals::{placeholder, slugify};

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use crate::decision;
use crate::diag::{Diagnostic, Severity};
use crate::model::council;
use crate::model::status::{Status, Type};
use crate::repo::Repo;
use catalog::{Level, Levels};

/// Every finding in the repository, severities not yet applied.
pub fn check(repo: &Repo, now: DateTime<Utc>) -> Vec<Diagnostic> {
    let mut out = repo.diagnostics.clone();
    let rules = repo.rules();
    let recorded = recorded(repo);
    // The three kinds of check at once: the repository-wide ones would otherwise wait for
    // the per-file ones.
    let (per_file, (across, decided)) = rayon::join(
        || {
            crate::repo::parallel_map(&repo.proposals, |p| {
                let mut d = Vec::new();
                let has_votes = p.id.as_ref().is_some_and(|id| recorded.contains(&id.value));
                proposals::check(p, &rules, repo, has_votes, &mut d);
                d
            })
        },
        || {
            rayon::join(
                || {
                    let mut d = Vec::new();
                    cross_file(repo, &mut d);
                    d
                },
                || {
                    let mut d = Vec::new();
                    ballots(repo, now, &mut d);
                    d
                },
            )
        },
    );
    out.extend(per_file.into_iter().flatten());
    out.extend(across);
    out.extend(decided);
    out
}

fn cross_file(repo: &Repo, out: &mut Vec<Diagnostic>) {
    // A proposal not in a closed decision that names its topic can never be voted on under it.
    let mut records: HashMap<&str, &crate::model::record::Record> = HashMap::new();
    for r in &repo.records {
        // The first of two with one name, as `Repo::record` finds it.
        records.entry(r.decision.as_str()).or_insert(r);
    }
    for p in &repo.proposals {
        let (Some(topic), Some(id)) = (&p.topic, &p.id) else {
            continue;
        };
        if let Some(r) = records.get(topic.value.as_str())
            && let Some(closed) = &r.closed
            && r.option(id.value).is_none()
        {
            out.push(Diagnostic::at(
                "closed-topic",
                &p.file,
                &p.source,
                topic.span.clone(),
                format!(
                    "topic `{}` was decided in {} (closed {}): a closed decision's name is not reused, so this proposal needs a new topic",
                    topic.value,
                    r.file,
                    closed.at.to_rfc3339()
                ),
            ));
        }
    }
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
        let status = p.status_value();
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
                && !b.is_accepted()
            {
                out.push(Diagnostic::at(
                    "supersede-symmetry",
                    &p.file,
                    &p.source,
                    by.span.clone(),
                    format!(
                        "superseded by {}, which is not Accepted, Final or Active: a decision is superseded only by another decision",
                        b.file
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
            && repo.council.process.as_ref().map(|i| i.value) != p.id_value()
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

/// The ids of proposals that a closed decision record decided: their record is their resolution.
fn recorded(repo: &Repo) -> BTreeSet<u32> {
    repo.records
        .iter()
        .filter(|r| r.is_closed())
        .flat_map(|r| r.options.iter().map(|o| o.id))
        .collect()
}

/// A finding about option `o` of record `r`, pointing at its `id`.
fn at_option(
    r: &crate::model::record::Record,
    o: &crate::model::record::RecordOption,
    rule: &'static str,
    msg: String,
) -> Diagnostic {
    Diagnostic::at(rule, &r.file, &r.source, o.span.clone(), msg)
}

fn ballots(repo: &Repo, now: DateTime<Utc>, out: &mut Vec<Diagnostic>) {
    // Each decision on its own: a long history holds thousands.
    let decisions = decision::decisions(repo);
    let found = crate::repo::parallel_map(&decisions, |d| decision_problems(repo, d, now));
    out.extend(found.into_iter().flatten());
    for p in &repo.proposals {
        let (Some(st), Some(id)) = (&p.status, &p.id) else {
            continue;
        };
        if st.value == Status::Voting && repo.open_record_of(id.value).is_none() {
            out.push(Diagnostic::at(
                "voting-record",
                &p.file,
                &p.source,
                st.span.clone(),
                format!(
                    "{} is in Voting, but no open decision record lists it: a vote starts with `council open {}`, which writes decisions/{}.toml",
                    p.file,
                    p.decision().unwrap_or_default(),
                    p.decision().unwrap_or_default()
                ),
            ));
        }
    }
}

/// The problems of one decision's record and ballots, and of its options' statuses.
fn decision_problems(
    repo: &Repo,
    d: &decision::Decision<'_>,
    now: DateTime<Utc>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for b in &d.ballots {
        if !b.malformed {
            out.extend(decision::ballot_problems(d, b));
        }
        if d.record.is_some_and(|r| !r.is_closed()) {
            out.extend(term_ended(repo, b));
        }
    }
    let Some(record) = d.record else {
        if let Some(c) = d.casting {
            out.push(Diagnostic::file(
                "casting-vote",
                &c.file,
                format!(
                    "decision `{}` has no record: there is nothing to settle",
                    d.name
                ),
            ));
        }
        return out;
    };
    for o in &record.options {
        let Some(p) = repo.proposal_at(&o.file).or_else(|| repo.proposal(o.id)) else {
            out.push(at_option(
                record,
                o,
                "invalid-record",
                format!(
                    "option {} names proposal {}, which is not in proposals/: a proposal a record names is never deleted",
                    o.name(),
                    o.id
                ),
            ));
            continue;
        };
        if p.file != o.file {
            out.push(at_option(
                record,
                o,
                "invalid-record",
                format!(
                    "option {} is {} in the record, but proposal {} is now {}: a proposal a record names is never renamed",
                    o.name(),
                    o.file,
                    o.id,
                    p.file
                ),
            ));
        }
        let status = p.status_value();
        let status_span = p.status.as_ref().map_or(0..0, |s| s.span.clone());
        match &record.closed {
            None => {
                if status != Some(Status::Voting) {
                    out.push(Diagnostic::at(
                        "voting-record",
                        &p.file,
                        &p.source,
                        status_span,
                        format!(
                            "{} is an option of the open vote in {}, so it is in Voting; only `council close` or `council cancel {}` moves it",
                            p.file, record.file, d.name
                        ),
                    ));
                }
                let blob = repo.text_id(p);
                if blob != o.text {
                    let message = format!(
                        "{} changed while in Voting: {} pins the text {} and the file is now {blob}; restore it (git cat-file blob {} > {}) or cancel the vote (council cancel {})",
                        p.file, record.file, o.text, o.text, p.file, d.name
                    );
                    out.push(match repo.pinned.get(&o.text) {
                        Some(old) => {
                            let (line, column) = crate::diag::first_difference(old, &p.source);
                            Diagnostic::at_line(
                                "frozen-text",
                                &p.file,
                                &p.source,
                                line,
                                column,
                                message,
                            )
                        }
                        None => Diagnostic::file("frozen-text", &p.file, message),
                    });
                }
            }
            Some(closed) => {
                let expected = closed.outcome.get(&o.name()).copied();
                let agrees = match (status, expected) {
                    (Some(s), Some(e)) if s == e => true,
                    (Some(s), Some(Status::Accepted)) => {
                        matches!(s, Status::Final | Status::Active | Status::Superseded)
                    }
                    _ => false,
                };
                if !agrees {
                    out.push(Diagnostic::at(
                        "status-tally",
                        &p.file,
                        &p.source,
                        status_span,
                        format!(
                            "status is {} but {} decided {}",
                            status.map_or("missing".into(), |s| s.to_string()),
                            record.file,
                            expected.map_or("nothing for it".into(), |e| e.to_string())
                        ),
                    ));
                }
            }
        }
    }
    let t = decision::count(
        d,
        record
            .closed
            .as_ref()
            .map_or(now, |c| c.at.with_timezone(&Utc)),
    );
    if let Some(closed) = &record.closed
        && !t.agrees_with(closed)
    {
        let span = record.closed_span.clone().unwrap_or(0..0);
        out.push(Diagnostic::at(
            "status-tally",
            &record.file,
            &record.source,
            span,
            format!(
                "[closed] says {} (winners {}) but the count of the record over its ballots at {} says {} (winners {}); run `council tally {}`",
                closed.state.as_str(),
                closed.winners.join(", "),
                closed.at.to_rfc3339(),
                t.state.as_str(),
                t.count.winner_names().join(", "),
                d.name
            ),
        ));
    }
    if let Some(c) = d.casting
        && let Some(w) = &c.winner
    {
        let tied = t.count.winner_names();
        let problem = if record.chair.is_none() {
            Some(format!(
                "{} names no chair, so there is no casting vote",
                record.file
            ))
        } else if let Some(chair) = record.chair.as_ref().filter(|c| t.recused.contains(c)) {
            Some(format!(
                "the chair ({chair}) recused from decision `{}`, so their casting vote does not count: a tie stays a tie (the chair may cancel the vote and open it again)",
                d.name
            ))
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
    out
}

/// A ballot of an open vote cast on a day its delegate's term in council.toml does not cover.
fn term_ended(repo: &Repo, b: &crate::model::ballot::BallotFile) -> Option<Diagnostic> {
    let cast = b.ballot.as_ref()?.cast.as_ref()?;
    let delegate = repo.council.delegate(&b.delegate)?;
    let day = cast.value.with_timezone(&Utc).date_naive();
    if delegate.serves_on(day) {
        return None;
    }
    let (from, to) = delegate.term.unwrap_or_default();
    let show = |d: Option<chrono::NaiveDate>| d.map_or("-".to_owned(), |d| d.to_string());
    Some(Diagnostic::at(
        "ballot-voter",
        &b.file,
        &b.source,
        cast.span.clone(),
        format!(
            "`{}`'s term in council.toml ({} to {}) does not cover {day}, when this ballot was cast: only a serving delegate votes",
            b.delegate,
            show(from),
            show(to)
        ),
    ))
}

/// Builds the rule levels of a run: defaults, `[lints]`, then the command-line overrides in the
/// order given. Unknown rule names on the command line come back as errors. Attempts to lower a
/// locked rule come back as findings (the rule keeps its level).
pub fn levels(
    council: &council::Council,
    overrides: &[(Level, String)],
) -> Result<(Levels, Vec<Diagnostic>), String> {
    let mut levels = Levels::default();
    let mut found = Vec::new();
    let lowers = |rule: &str, level: Level| {
        catalog::is_locked(rule)
            && catalog::find(rule).is_some_and(|r| level.rank() < r.level.rank())
    };
    for (rule, level, span) in &council.lints {
        if lowers(rule, *level) {
            found.push(Diagnostic::at(
                "locked-rule",
                council::FILE,
                &council.source,
                span.clone(),
                format!(
                    "`{rule}` judges who may change what and cannot be set to \"{level}\": delete this line"
                ),
            ));
        }
        levels.set(rule, *level);
    }
    for (level, rule) in overrides {
        if lowers(rule, *level) {
            let flag = if *level == Level::Allow { "-A" } else { "-W" };
            found.push(Diagnostic::file(
                "locked-rule",
                council::FILE,
                format!("`{flag} {rule}` on the command line: `{rule}` judges who may change what and cannot be lowered"),
            ));
        }
        if !levels.set(rule, *level) {
            return Err(format!(
                "unknown rule `{rule}` (see `council check --list-rules`)"
            ));
        }
    }
    Ok((levels, found))
}

/// The findings in one proposal's own text, as `check` makes them (the fuzz target of the
/// proposal parser and linter runs on this).
pub fn check_one(repo: &Repo, file: &str, source: String) -> Vec<Diagnostic> {
    let (p, mut out) = crate::model::proposal::Proposal::parse(file, source);
    if let Some(p) = p {
        let has_votes =
            p.id.as_ref()
                .is_some_and(|id| recorded(repo).contains(&id.value));
        proposals::check(&p, &repo.rules(), repo, has_votes, &mut out);
    }
    out
}

/// Sets severities, drops allowed findings and duplicates, and sorts by file and position.
pub fn apply_levels(diags: Vec<Diagnostic>, levels: &Levels) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diags
        .into_iter()
        .filter_map(|mut d| {
            d.severity = match levels.get(d.rule) {
                Level::Error => Severity::Error,
                // A rule that is raised where it matters most (placeholder text at Final) keeps
                // the error its lint gave it.
                Level::Warning
                    if catalog::RAISED.contains(&d.rule) && d.severity == Severity::Error =>
                {
                    Severity::Error
                }
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
