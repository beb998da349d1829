//! SPEC section 7's table ([`TABLE`]): one [`Row`] per line of the SPEC's table, in its order
//! and words, each with the check that holds a change to it.

use super::*;

/// The kinds of change SPEC section 7's table has a row for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Ballot,
    Casting,
    RecordCreated,
    RecordClosed,
    RecordRemoved,
    RecordOther,
    ProposalInVoting,
    ProposalRecorded,
    ProposalStatus,
    ProcessRules,
    CouncilFile,
    Theme,
}

/// One row of SPEC section 7's table: what it covers, who may make the change and when, in the
/// SPEC's words, and the check that holds a change to it.
pub struct Row {
    pub subject: Subject,
    pub path: &'static str,
    pub who: &'static str,
    pub when: &'static str,
    pub(super) check: fn(&mut Judge<'_>, &Change),
}

/// SPEC section 7, row by row.
pub const TABLE: &[Row] = &[
    Row {
        subject: Subject::Ballot,
        path: "votes/D/X.toml",
        who: "delegate X: authored with X's email, and SSH-signed by X's key where X has one (the identity in D's record while D is open)",
        when: "only while D's record is open and its window has not closed; X must be an elector of the record",
        check: ballot,
    },
    Row {
        subject: Subject::Casting,
        path: "votes/D/casting.toml",
        who: "the chair named in D's record",
        when: "only while D's count is a tie",
        check: casting,
    },
    Row {
        subject: Subject::RecordCreated,
        path: "decisions/D.toml, created",
        who: "a delegate (the chair where the rules say open-by = \"chair\")",
        when: "together with its proposals' move from Discussion to Voting; options, electors and rules exactly as they stood in the commit's parent, text pins as the commit leaves the files; the window as the rules allow; no ballots in votes/D/ yet",
        check: record_created,
    },
    Row {
        subject: Subject::RecordClosed,
        path: "decisions/D.toml, [closed] added",
        who: "anyone",
        when: "together with the statuses it implies, and only where the count of the record over the ballots at that commit gives exactly that state, winners and outcome",
        check: record_closed,
    },
    Row {
        subject: Subject::RecordRemoved,
        path: "decisions/D.toml, removed",
        who: "the chair in the record (or, with none, its opener)",
        when: "only while open, together with its ballots and its proposals' move back to Discussion (council cancel)",
        check: record_removed,
    },
    Row {
        subject: Subject::RecordOther,
        path: "decisions/D.toml, any other change",
        who: "nobody",
        when: "",
        check: record_other,
    },
    Row {
        subject: Subject::ProposalInVoting,
        path: "a proposal in Voting",
        who: "nobody, except through close or cancel",
        when: "the file stays byte for byte the text the record pins",
        check: proposal_in_voting,
    },
    Row {
        subject: Subject::ProposalRecorded,
        path: "a proposal that a decision record names",
        who: "anyone may edit it by the other rows",
        when: "never deleted or renamed, and its id never changes: the record points at it",
        check: proposal_recorded,
    },
    Row {
        subject: Subject::ProposalStatus,
        path: "a proposal's status",
        who: "anyone, by an allowed transition (section 2)",
        when: "into and out of Voting only with its record as above; a proposal added after the first commit starts as Draft",
        check: proposal_status,
    },
    Row {
        subject: Subject::ProcessRules,
        path: "the [rules] of the process document in force",
        who: "nobody",
        when: "a community changes its rules by accepting a new process document (through a decision) and pointing process at it",
        check: process_rules,
    },
    Row {
        subject: Subject::CouncilFile,
        path: "council.toml",
        who: "the chair (signed where the chair has a key); with no chair, any delegate. A delegate may change their own name, email and key, authored with their previous email and signed with their previous key",
        when: "process may only name a process document that is Accepted or Active",
        check: council_file,
    },
    // Not in SPEC section 7's table: the rendered site says what was decided to every reader,
    // so whoever may restyle it is who may change council.toml (docs/trust.md).
    Row {
        subject: Subject::Theme,
        path: "theme/ (the rendered site's templates, style and script)",
        who: "the chair (signed where the chair has a key); with no chair, any delegate",
        when: "",
        check: theme,
    },
];

/// How far a commit may be dated ahead of the clock, or a record's times ahead of its commit.
pub(super) const SKEW: Duration = Duration::minutes(5);

/// How long before its commit a record may say it was opened or closed (the time between
/// running `council open` or `close` and committing the result).
const LATE: Duration = Duration::days(1);

/// The open record that a change to a ballot or casting vote of decision `name` answers to.
/// `None` when there is none, after reporting it; or, without a report, when the change is the
/// removal of a cancelled vote's files, which the record's removal row judges.
fn open_record_for(j: &mut Judge<'_>, ch: &Change, name: &str) -> Option<Arc<Record>> {
    let v = verb(ch);
    let before = j.before_record_shared(name);
    let cancelled = j
        .change(&record::path(name))
        .is_some_and(|c| c.new.is_none());
    match before {
        Some(r) if r.is_closed() => {
            let at = r
                .closed
                .as_ref()
                .map(|c| c.at.to_rfc3339())
                .unwrap_or_default();
            j.report(
                "ballot-timing",
                &ch.path,
                format!("{v} {} after decision `{name}` was closed at {at}", ch.path),
            );
            None
        }
        Some(_) if ch.new.is_none() && cancelled => None,
        Some(r) => Some(r),
        // A branch that opened the vote and voted on it, merged whole: its ballots answer to
        // the record the same merge brings (itself judged against the state before the merge).
        None if j.covered && j.covered_paths.contains(&record::path(name)) => {
            j.after.record(name).map(|r| Arc::new(r.clone()))
        }
        None => {
            j.report(
                "ballot-timing",
                &ch.path,
                format!(
                    "{v} {} while decision `{name}` had no record: ballots are cast after `council open {name}`",
                    ch.path
                ),
            );
            None
        }
    }
}

fn ballot(j: &mut Judge<'_>, ch: &Change) {
    let Some((name, who)) = ballot_path(&ch.path) else {
        return;
    };
    if !j.covered {
        j.ballots += 1;
    }
    j.decisions.insert(name.to_owned());
    let v = verb(ch);
    let Some(rec) = open_record_for(j, ch, name) else {
        return;
    };
    let Some(elector) = rec.elector(who).cloned() else {
        j.report(
            "ballot-author",
            &ch.path,
            format!(
                "{v} {}, but `{who}` is not an elector of decision `{name}` ({} names {})",
                ch.path,
                rec.file,
                rec.electors
                    .iter()
                    .map(|e| e.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        return;
    };
    let (opened, closes) = (
        rec.opened.with_timezone(&Utc),
        rec.closes.with_timezone(&Utc),
    );
    let what = format!("{v} {}", ch.path);
    if !j.authored_by((&elector).into(), &ch.path, &what)
        || !made_for_this_record(j, ch, name, &what)
    {
        return;
    }
    if let Some(t) = j.time {
        if t < opened {
            j.report(
                "ballot-timing",
                &ch.path,
                format!(
                    "{what} at {}, before voting opened at {}",
                    j.when(t),
                    rfc(opened)
                ),
            );
        } else if t >= closes {
            j.report(
                "ballot-timing",
                &ch.path,
                format!(
                    "{what} at {}, after the window closed at {}",
                    j.when(t),
                    rfc(closes)
                ),
            );
        }
    }
}

/// A ballot a merge brings was made on its branch, under the record that stood there: it
/// counts only if that is this very record. A vote cancelled and reopened under the same name is
/// another vote, and a ballot cast in the first never counts in the second.
fn made_for_this_record(j: &mut Judge<'_>, ch: &Change, name: &str, what: &str) -> bool {
    if j.author.id == j.commit.id {
        return true;
    }
    let path = record::path(name);
    let current = j
        .before_item(&path)
        .or_else(|| j.after.files.get(&path))
        .map(|i| i.entry.id);
    let made_under = j
        .git
        .entry_at(j.author.id, &path)
        .ok()
        .flatten()
        .map(|e| e.id);
    // The same record, and the same opening of it: a vote cancelled and opened again with a
    // record byte for byte the old one is another vote, so the branch must hold the commit
    // that opened the one the main line has now.
    let same_opening = || match j.commit.parents.first() {
        Some(&main) if j.before_item(&path).is_some() => j
            .git
            .introduced(main, &path)
            .ok()
            .flatten()
            .is_some_and(|opened| j.git.is_ancestor(opened, j.author.id)),
        // The record comes with the merge itself, from the branch that made the ballot.
        _ => true,
    };
    if current.is_some() && made_under == current && same_opening() {
        return true;
    }
    let maker = j.author.short();
    j.report(
        "ballot-timing",
        &ch.path,
        format!(
            "{what}, made by commit {maker} for another vote of `{name}`: {path} there is not the record open now (the vote was cancelled and opened again since)"
        ),
    );
    false
}

fn casting(j: &mut Judge<'_>, ch: &Change) {
    let Some((name, _)) = ballot_path(&ch.path) else {
        return;
    };
    j.decisions.insert(name.to_owned());
    let v = verb(ch);
    let Some(rec) = open_record_for(j, ch, name) else {
        return;
    };
    let Some(chair) = rec.chair.clone() else {
        j.report(
            "ballot-author",
            &ch.path,
            format!(
                "{v} {}, but {} names no chair to cast a deciding vote",
                ch.path, rec.file
            ),
        );
        return;
    };
    let what = format!("{v} {} (the casting vote)", ch.path);
    if !j.authored_by_in(&rec, &chair, &ch.path, &what) || !made_for_this_record(j, ch, name, &what)
    {
        return;
    }
    let at = j.time.unwrap_or(rec.closes.with_timezone(&Utc));
    match j.count(&rec, at, false) {
        Ok(t) if t.state == DState::Tie => {}
        Ok(t) => j.report(
            "ballot-timing",
            &ch.path,
            format!("{what} while the count was {}, not a tie", t.state.as_str()),
        ),
        Err(e) => j.report("ballot-timing", &ch.path, format!("{what}: {e:#}")),
    }
}

fn record_created(j: &mut Judge<'_>, ch: &Change) {
    let Some(name) = record_name(&ch.path) else {
        return;
    };
    j.decisions.insert(name.to_owned());
    let Some(rec) = j.after.record(name).cloned() else {
        j.report(
            "record-change",
            &ch.path,
            format!("added {}, which is not a valid decision record", ch.path),
        );
        return;
    };
    let mut problems: Vec<String> = Vec::new();
    let Some(council) = j.before_council().cloned() else {
        j.report(
            "record-change",
            &ch.path,
            format!("added {} while there was no council.toml", ch.path),
        );
        return;
    };
    // Who: a delegate as council.toml stood; the chair where the rules say so.
    let process = j.before_process().map(|(_, p)| p.clone());
    let rules = process
        .as_ref()
        .and_then(|p| p.rules.as_ref().map(|r| r.value.clone()))
        .unwrap_or_default();
    let Some(opener) = council.delegate(&rec.opened_by) else {
        j.report(
            "record-change",
            &ch.path,
            format!(
                "added {}, opened by `{}`, who is not a delegate in council.toml",
                ch.path, rec.opened_by
            ),
        );
        return;
    };
    if rules.open_by_chair && council.chair.as_ref().map(|c| c.value.as_str()) != Some(&opener.id) {
        problems.push(format!(
            "the rules say only the chair opens a vote, and {} is not the chair",
            opener.id
        ));
    }
    let what = format!("opened decision `{name}` as {}", opener.id);
    if !j.authored_by(opener.into(), &ch.path, &what) {
        return;
    }
    // Rules, chair and electors exactly as they stood.
    match (&process, council.process.as_ref()) {
        (Some(p), Some(pid)) if p.is_process_in_force() => {
            if rec.process != pid.value {
                problems.push(format!(
                    "its rules come from process document {}, but council.toml names {}",
                    rec.process, pid.value
                ));
            }
        }
        _ => problems.push(
            "council.toml named no Accepted or Active process document, so no rules were in force"
                .into(),
        ),
    }
    if RuleTerms::of(&rec.rules) != RuleTerms::of(&rules) {
        problems.push(format!(
            "its [rules] differ from the rules in force ({:?} against {:?})",
            RuleTerms::of(&rec.rules),
            RuleTerms::of(&rules)
        ));
    }
    let chair = council.chair.as_ref().map(|c| c.value.as_str());
    if rec.chair.as_deref() != chair {
        problems.push(format!(
            "its chair is {:?}, but council.toml's chair was {:?}",
            rec.chair, chair
        ));
    }
    // The electors serve on the day the record says the vote opened, and on the day it is
    // written (lands on the branch): backdating the opening cannot leave out a delegate whose
    // term has begun, nor bring back one whose term has ended.
    let day = rec.opened.date_naive();
    let written = j
        .time
        .unwrap_or_else(|| j.commit.committed.with_timezone(&Utc))
        .date_naive();
    let key = |e: &Elector| {
        (
            e.id.clone(),
            e.email.to_ascii_lowercase(),
            e.key.as_deref().map(crate::model::council::key_fields),
        )
    };
    let mut got: Vec<_> = rec.electors.iter().map(key).collect();
    got.sort();
    let mut days = vec![day];
    if written != day {
        days.push(written);
    }
    for d in days {
        let mut want: Vec<_> = council
            .delegates
            .iter()
            .filter(|del| del.serves_on(d))
            .map(|del| {
                key(&Elector {
                    id: del.id.clone(),
                    email: del.email.clone(),
                    key: del.key.clone(),
                })
            })
            .collect();
        want.sort();
        if got != want {
            let ids = |v: &[(String, String, Option<String>)]| {
                v.iter()
                    .map(|e| e.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            problems.push(format!(
                "its electors ({}) are not council.toml's delegates serving on {d} with their emails and keys ({}){}",
                ids(&got),
                ids(&want),
                if d == written && d != day {
                    ", the day the record was written"
                } else {
                    ""
                }
            ));
            break;
        }
    }
    // Options: the decision's proposals in Discussion, each moved to Voting with its text pinned.
    let mut candidates: BTreeMap<u32, (String, Proposal)> = BTreeMap::new();
    let mut paths: BTreeSet<String> = under(&j.after.files, "proposals")
        .map(|(k, _)| k.clone())
        .collect();
    paths.extend(j.old.keys().filter(|k| proposal_path(k)).cloned());
    for path in &paths {
        if let Some(p) = j.before_proposal(path)
            && p.decision().as_deref() == Some(name)
            && p.status
                .as_ref()
                .is_some_and(|s| s.value == Status::Discussion)
            && let Some(id) = &p.id
        {
            candidates.insert(id.value, (path.clone(), p.clone()));
        }
    }
    let got_ids: BTreeSet<u32> = rec.options.iter().map(|o| o.id).collect();
    let want_ids: BTreeSet<u32> = candidates.keys().copied().collect();
    if got_ids != want_ids {
        problems.push(format!(
            "its options ({}) are not the proposals of `{name}` that were in Discussion ({})",
            got_ids
                .iter()
                .map(|i| format!("{i:04}"))
                .collect::<Vec<_>>()
                .join(", "),
            want_ids
                .iter()
                .map(|i| format!("{i:04}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for o in &rec.options {
        let Some((path, before)) = candidates.get(&o.id) else {
            continue;
        };
        if &o.file != path {
            problems.push(format!(
                "option {} names {}, but it is {path}",
                o.name(),
                o.file
            ));
        }
        if before.kind.as_ref().map(|k| k.value) != Some(o.kind) {
            problems.push(format!(
                "option {} is recorded as {}, which is not its type",
                o.name(),
                o.kind
            ));
        }
        if rules.majority_for(o.kind) != o.majority {
            problems.push(format!(
                "option {} needs {} by the rules, not {}",
                o.name(),
                rules.majority_for(o.kind),
                o.majority
            ));
        }
        match j.after.files.get(path) {
            Some(item) if item.entry.id.to_string() == o.text => {}
            _ => problems.push(format!(
                "option {}'s text pin {} is not {} as this commit leaves it",
                o.name(),
                o.text,
                path
            )),
        }
        if j.after.proposal(path).and_then(Proposal::status_value) != Some(Status::Voting) {
            problems.push(format!("{path} does not move to Voting with the record"));
        }
    }
    // The window.
    let (opened, closes) = (
        rec.opened.with_timezone(&Utc),
        rec.closes.with_timezone(&Utc),
    );
    if closes - opened > Duration::days(crate::cmd::open::MAX_DAYS) {
        problems.push(format!(
            "its window of {} days is longer than {} days",
            (closes - opened).num_days(),
            crate::cmd::open::MAX_DAYS
        ));
    }
    if let Some(t) = j.time {
        if opened > t + SKEW {
            problems.push(format!(
                "it opens at {}, after the commit ({})",
                rfc(opened),
                rfc(t)
            ));
        }
        if closes <= t {
            problems.push(format!(
                "its window closed at {}, before the commit ({})",
                rfc(closes),
                rfc(t)
            ));
        }
    }
    // No ballots yet; but a merge may bring the vote whole, with ballots its branch cast after
    // opening it (each judged on its own).
    if j.after
        .votes(name)
        .any(|(p, _)| !(j.covered && j.covered_paths.contains(p)))
    {
        problems.push(format!("votes/{name}/ already holds ballots"));
    }
    if rec.is_closed() {
        problems.push("it is created already [closed]: a vote closes after its ballots".into());
    }
    if !j.covered && opened < j.commit.committed.with_timezone(&Utc) - LATE {
        problems.push(format!(
            "it says it opened at {}, more than a day before the commit that writes it",
            rfc(opened)
        ));
    }
    for why in problems {
        j.report("record-change", &ch.path, format!("{what}, but {why}"));
    }
}

fn record_closed(j: &mut Judge<'_>, ch: &Change) {
    let Some(name) = record_name(&ch.path) else {
        return;
    };
    j.decisions.insert(name.to_owned());
    let (Some(before), Some(after)) = (
        j.before_record(name).cloned(),
        j.after.record(name).cloned(),
    ) else {
        return;
    };
    let Some(closed) = after.closed.clone() else {
        return;
    };
    let what = format!("closed decision `{name}`");
    let at = closed.at.with_timezone(&Utc);
    if let Some(t) = j.time
        && at > t + SKEW
    {
        j.report(
            "record-change",
            &ch.path,
            format!("{what} as of {}, after the commit ({})", rfc(at), rfc(t)),
        );
    }
    if !j.covered && at < j.commit.committed.with_timezone(&Utc) - LATE {
        j.report(
            "record-change",
            &ch.path,
            format!(
                "{what} as of {}, more than a day before the commit that writes it",
                rfc(at)
            ),
        );
    }
    if at < before.opened.with_timezone(&Utc) {
        j.report(
            "record-change",
            &ch.path,
            format!("{what} as of {}, before it opened", rfc(at)),
        );
    }
    match j.count(&after, at, true) {
        Ok(t) if t.agrees_with(&closed) && t.state == DState::Decided => {}
        Ok(t) => j.report(
            "status-tally",
            &ch.path,
            format!(
                "{what} as {} with winners [{}] and outcome {:?}, but the count of the record over the ballots at that commit is {} with winners [{}] and outcome {:?}",
                closed.state.as_str(),
                closed.winners.join(", "),
                closed.outcome,
                t.state.as_str(),
                t.count.winner_names().join(", "),
                t.outcome
            ),
        ),
        Err(e) => j.report("status-tally", &ch.path, format!("{what}: {e:#}")),
    }
    for o in &before.options {
        let expected = closed.outcome.get(&o.name()).copied();
        let now = j.after.proposal(&o.file).and_then(Proposal::status_value);
        if now != expected {
            j.report(
                "status-tally",
                &o.file,
                format!(
                    "{what}, which sets {} to {}, but it is {}",
                    o.file,
                    expected.map_or("nothing".into(), |e| e.to_string()),
                    now.map_or("missing".into(), |s| s.to_string())
                ),
            );
        }
    }
}

fn record_removed(j: &mut Judge<'_>, ch: &Change) {
    let Some(name) = record_name(&ch.path) else {
        return;
    };
    j.decisions.insert(name.to_owned());
    let Some(rec) = j.before_record(name).cloned() else {
        return;
    };
    let what = format!("cancelled decision `{name}` (removed {})", ch.path);
    if !j.authored_by_in(&rec, rec.canceller(), &ch.path, &what) {
        return;
    }
    if j.after.votes(name).next().is_some() {
        j.report(
            "record-change",
            &ch.path,
            format!("{what}, but left its ballots in votes/{name}/"),
        );
    }
    for o in &rec.options {
        let now = j.after.proposal(&o.file).and_then(Proposal::status_value);
        if now.is_some() && now != Some(Status::Discussion) {
            j.report(
                "record-change",
                &o.file,
                format!(
                    "{what}, but {} is {} instead of back in Discussion",
                    o.file,
                    now.map_or("?".into(), |s| s.to_string())
                ),
            );
        }
    }
}

fn record_other(j: &mut Judge<'_>, ch: &Change) {
    let name = record_name(&ch.path).unwrap_or_default().to_owned();
    j.decisions.insert(name.clone());
    let before = j.before_record(&name);
    let why = match (before, ch.new) {
        (Some(b), None) if b.is_closed() => "deleted a closed decision record".to_owned(),
        (None, None) => format!("deleted {}", ch.path),
        (Some(b), Some(_)) if b.is_closed() => "changed a closed decision record".to_owned(),
        (None, Some(_)) => format!("changed {}, which did not parse before", ch.path),
        _ => match j.after.record(&name) {
            None => format!(
                "changed {} into something that is not a valid record",
                ch.path
            ),
            Some(a) if before.is_some_and(|b| b.terms() != a.terms()) => format!(
                "changed what {} fixes (options, electors, window or rules)",
                ch.path
            ),
            _ => format!("changed {}", ch.path),
        },
    };
    j.report(
        "record-change",
        &ch.path,
        format!("{why}: nobody may change a decision record except by open, close and cancel"),
    );
}

/// Whether two versions of a proposal differ in more than `status` and `resolved`.
fn beyond_status(old: &str, new: &str) -> Option<usize> {
    use crate::model::proposal::{FrontMatter, split_front_matter};
    let parts = |s: &str| match split_front_matter(s) {
        FrontMatter::Found { toml } => {
            let doc = s[toml.clone()].parse::<toml_edit::DocumentMut>().ok();
            Some((doc, toml.end))
        }
        FrontMatter::Problem { .. } => None,
    };
    // The first line of the new text that differs, status and resolved lines aside.
    let first_diff_line = || {
        let keep = |l: &(usize, &str)| {
            let t = l.1.trim_start();
            !(t.starts_with("status") || t.starts_with("resolved"))
        };
        let a: Vec<(usize, &str)> = old.lines().enumerate().filter(keep).collect();
        let b: Vec<(usize, &str)> = new.lines().enumerate().filter(keep).collect();
        let at = a.iter().zip(&b).position(|(x, y)| x.1 != y.1);
        match at {
            Some(i) => b[i].0 + 1,
            None => b
                .get(a.len().min(b.len()))
                .map_or(new.lines().count(), |l| l.0 + 1),
        }
    };
    let (Some((Some(mut a), ea)), Some((Some(mut b), eb))) = (parts(old), parts(new)) else {
        return Some(first_diff_line());
    };
    for k in ["status", "resolved"] {
        a.remove(k);
        b.remove(k);
    }
    let norm = |d: &toml_edit::DocumentMut| d.to_string();
    if norm(&a) != norm(&b) || old[ea..] != new[eb..] {
        return Some(first_diff_line());
    }
    None
}

fn proposal_in_voting(j: &mut Judge<'_>, ch: &Change) {
    let Some(rec) = j
        .records_naming(&ch.path)
        .into_iter()
        .find(|r| !r.is_closed())
        .cloned()
    else {
        return;
    };
    let rec_change = j.change(&rec.file).cloned();
    let closing = rec_change.as_ref().is_some_and(|c| c.new.is_some())
        && j.after.record(&rec.decision).is_some_and(|r| r.is_closed());
    let cancelling = rec_change.as_ref().is_some_and(|c| c.new.is_none());
    let old_text = j
        .before_item(&ch.path)
        .and_then(|i| j.git.blob(i.entry.id).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let new_text = ch
        .new
        .and_then(|e| j.git.blob(e.id).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let Some(new_text) = new_text else {
        // Deletion: proposal-identity reports it.
        return;
    };
    if !(closing || cancelling) {
        let (line, column) = crate::diag::first_difference(&old_text, &new_text);
        let d = Diagnostic::at_line(
            "frozen-text",
            &ch.path,
            &new_text,
            line,
            column,
            format!(
                "commit {}: changed {} (line {line}) while it is in Voting: the text voted on is pinned by {} until `council close` or `council cancel`",
                j.commit.describe(),
                ch.path,
                rec.file
            ),
        )
        .in_commit(j.commit.id.to_string());
        j.out.push(d);
        return;
    }
    if let Some(line) = beyond_status(&old_text, &new_text) {
        let d = Diagnostic::at_line(
            "frozen-text",
            &ch.path,
            &new_text,
            line,
            1,
            format!(
                "commit {}: {} {} and also changed more than its status (line {line}): the text voted on stays as {} pins it",
                j.commit.describe(),
                if closing { "closed the vote on" } else { "cancelled the vote on" },
                ch.path,
                rec.file
            ),
        )
        .in_commit(j.commit.id.to_string());
        j.out.push(d);
    }
}

fn proposal_recorded(j: &mut Judge<'_>, ch: &Change) {
    let Some(rec) = j.records_naming(&ch.path).into_iter().next().cloned() else {
        return;
    };
    if ch.new.is_none() {
        j.report(
            "proposal-identity",
            &ch.path,
            format!(
                "deleted {}, which {} names: a voted proposal is never deleted or renamed",
                ch.path, rec.file
            ),
        );
        return;
    }
    let old_id = j.before_proposal(&ch.path).and_then(Proposal::id_value);
    let new_id = j.after.proposal(&ch.path).and_then(Proposal::id_value);
    if old_id != new_id {
        j.report(
            "proposal-identity",
            &ch.path,
            format!(
                "changed the id of {} from {:?} to {:?}, but {} names it by its id",
                ch.path, old_id, new_id, rec.file
            ),
        );
    }
}

fn proposal_status(j: &mut Judge<'_>, ch: &Change) {
    let Some(new) = j.after.proposal(&ch.path).cloned() else {
        return;
    };
    let new_status = new.status_value();
    let old = j.before_proposal(&ch.path).cloned().or_else(|| {
        // A rename keeps its history: the same id, deleted elsewhere in this commit.
        let id = new.id.as_ref()?.value;
        j.changes
            .iter()
            .filter(|c| c.new.is_none() && proposal_path(&c.path))
            .find_map(|c| {
                j.before_proposal(&c.path)
                    .filter(|p| p.id.as_ref().is_some_and(|i| i.value == id))
                    .cloned()
            })
    });
    let span = new.status.as_ref().map_or(0..0, |s| s.span.clone());
    if j.before_proposal(&ch.path).is_none()
        && let Some(id) = new.id_value()
    {
        // A proposal's id is its name in records and ballots: a second file never takes it.
        let taken = j
            .after
            .by_id
            .get(&id)
            .into_iter()
            .flatten()
            .find(|p| *p != &ch.path && j.before_proposal(p).is_some())
            .cloned();
        if let Some(other) = taken {
            j.report_at(
                "proposal-identity",
                &new,
                new.id.as_ref().map_or(0..0, |i| i.span.clone()),
                format!("added {} with id {id}, which {other} already has", ch.path),
            );
        }
    }
    let Some(old) = old else {
        if !j.covered && !j.import && new_status.is_some_and(|s| s != Status::Draft) {
            j.report_at(
                "proposal-start",
                &new,
                span,
                format!(
                    "added {} as {}; a new proposal starts as Draft",
                    ch.path,
                    new_status.map_or("?".into(), |s| s.to_string())
                ),
            );
        }
        return;
    };
    let (Some(from), Some(to)) = (old.status_value(), new_status) else {
        return;
    };
    if from == to {
        return;
    }
    let kind = old.kind.as_ref().or(new.kind.as_ref()).map(|k| k.value);
    if let Some(kind) = kind
        && !from.can_move_to(to, kind)
    {
        j.report_at(
            "status-transition",
            &new,
            span.clone(),
            format!(
                "moved {} from {from} to {to}, which is not an allowed transition",
                ch.path
            ),
        );
        return;
    }
    if to == Status::Superseded {
        let successor = new.superseded_by.as_ref().map(|s| s.value);
        let accepted = successor
            .and_then(|s| j.after.proposal_by_id(s))
            .is_some_and(Proposal::is_accepted);
        if !accepted {
            j.report_at(
                "status-transition",
                &new,
                span.clone(),
                format!(
                    "moved {} to Superseded, but its successor ({}) is not an Accepted, Final or Active proposal: a decision is superseded only by another decision",
                    ch.path,
                    successor.map_or("none named".into(), |s| format!("{s:04}"))
                ),
            );
        } else if let (Some(s), Some(id)) = (successor, old.id_value()) {
            superseded_by_decision(j, ch, s, id);
        }
    }
    if to == Status::Voting {
        let id = new.id_value();
        let opened = j.changes.iter().any(|c| {
            c.old.is_none()
                && record_name(&c.path).is_some_and(|n| {
                    j.after
                        .record(n)
                        .is_some_and(|r| id.is_some_and(|id| r.option(id).is_some()))
                })
        });
        if !opened {
            j.report_at(
                "status-transition",
                &new,
                span,
                format!(
                    "moved {} to Voting without a decision record listing it: a vote opens with `council open`",
                    ch.path
                ),
            );
        }
    } else if from == Status::Voting {
        let in_open_record = j.records_naming(&ch.path).iter().any(|r| !r.is_closed());
        let handled = in_open_record
            && j.changes.iter().any(|c| {
                record_name(&c.path).is_some_and(|n| {
                    j.before_record(n)
                        .is_some_and(|r| r.options.iter().any(|o| o.file == ch.path))
                        && (c.new.is_none() || j.after.record(n).is_some_and(|r| r.is_closed()))
                })
            });
        if !handled {
            j.report_at(
                "status-transition",
                &new,
                span,
                format!(
                    "moved {} out of Voting to {to} by hand: only `council close` (with [closed] in its record) or `council cancel` does that",
                    ch.path
                ),
            );
        } else if j
            .change(&record::path(&new.decision().unwrap_or_default()))
            .is_some_and(|c| c.new.is_none())
            && to != Status::Discussion
        {
            j.report_at(
                "status-transition",
                &new,
                span,
                format!(
                    "cancelled the vote but moved {} to {to}, not Discussion",
                    ch.path
                ),
            );
        }
    }
}

fn process_rules(j: &mut Judge<'_>, ch: &Change) {
    let Some((path, before)) = j.before_process() else {
        return;
    };
    if path != ch.path {
        return;
    }
    let old = before.rules.as_ref().map(|r| r.value.clone());
    let new = j
        .after
        .proposal(&ch.path)
        .map(|p| p.rules.as_ref().map(|r| r.value.clone()));
    let same = match &new {
        Some(n) => n == &old,
        None => false,
    };
    // Nor does it stop being a process document: that would take every rule out of force.
    let retyped = j
        .after
        .proposal(&ch.path)
        .is_some_and(|p| p.kind.as_ref().map(|k| k.value) != before.kind.as_ref().map(|k| k.value));
    if retyped {
        let path = ch.path.clone();
        j.report(
            "rules-change",
            &path,
            format!(
                "changed the type of {path}, the process document in force: its rules stay in force until `process` names another"
            ),
        );
    }
    if !same {
        let path = ch.path.clone();
        j.report(
            "rules-change",
            &path,
            format!(
                "{} the [rules] of {path}, the process document in force: rules change only by accepting a new process document and pointing `process` at it",
                if ch.new.is_none() { "deleted" } else { "changed" }
            ),
        );
    }
}

/// Whether the commit is the chair's in council.toml `before` (signed where the chair has a
/// key), or with no chair, a delegate's; reports why not, saying what `what` was done to `file`.
fn by_chair(j: &mut Judge<'_>, before: &Council, file: &str, what: &str) -> bool {
    if let Some(chair) = before
        .chair
        .as_ref()
        .and_then(|c| before.delegate(&c.value))
    {
        let chair = chair.clone();
        return j.authored_by((&chair).into(), file, what);
    }
    let ok = before
        .delegate_by_email(&j.author.email)
        .is_some_and(|d| d.key.as_deref().is_none_or(|k| j.signed_with(k).is_ok()));
    if !ok {
        let rule = identity_rule(file, "ballot-author");
        j.report(
            rule,
            file,
            format!(
                "{what}, which, with no chair, only a delegate may do (signed where they have a key); the commit is authored by {}",
                j.author.email
            ),
        );
    }
    ok
}

/// `theme/`: the site's templates, changed by the chair (or, with no chair, a delegate).
fn theme(j: &mut Judge<'_>, ch: &Change) {
    let Some(before) = j.before_council().cloned() else {
        return;
    };
    let what = format!("{} {}, the rendered site's theme", verb(ch), ch.path);
    by_chair(j, &before, &ch.path, &what);
}

fn council_file(j: &mut Judge<'_>, ch: &Change) {
    let Some(before) = j.before_council().cloned() else {
        j.report(
            "council-change",
            council::FILE,
            format!("{} council.toml, which did not exist or parse before: only the first commit brings it in", verb(ch)),
        );
        return;
    };
    let after = j.after.council().cloned();
    // A delegate changing only their own name, email and key (authored as they were); else
    // the chair; with no chair, any delegate.
    let own = after
        .as_ref()
        .and_then(|a| own_change(&before, a))
        .and_then(|id| before.delegate(&id).cloned())
        .filter(|d| d.email.eq_ignore_ascii_case(&j.author.email));
    let chair = before
        .chair
        .as_ref()
        .and_then(|c| before.delegate(&c.value))
        .cloned();
    let authorised = match (own, chair) {
        (Some(d), _) => {
            let what = format!("changed {}'s own entry in council.toml", d.id);
            j.authored_by((&d).into(), council::FILE, &what)
        }
        (None, _) => {
            let what = format!(
                "changed council.toml ({})",
                describe_council_change(&before, after.as_ref())
            );
            by_chair(j, &before, council::FILE, &what)
        }
    };
    if !authorised {
        return;
    }
    if let Some(a) = &after
        && let Some(pid) = &a.process
        && a.process.as_ref().map(|p| p.value) != before.process.as_ref().map(|p| p.value)
    {
        let ok = j
            .after
            .proposal_by_id(pid.value)
            .is_some_and(Proposal::is_process_in_force);
        if !ok {
            j.report(
                "council-change",
                council::FILE,
                format!(
                    "pointed `process` at {}, which is not an Accepted or Active process document",
                    pid.value
                ),
            );
            return;
        }
        // The rules put in force are the ones the council voted on: those of the text its
        // decision record pinned, not a later edit of the document.
        if let Some(why) = process_matches_its_vote(j, pid.value) {
            j.report(
                "council-change",
                council::FILE,
                format!("pointed `process` at {}, but {why}", pid.value),
            );
        }
    }
    // What the commit leaves must be a valid council.toml (two delegates with one email, a
    // chair who is no delegate...): authority is read from it by the next commit.
    let problem = ch
        .new
        .and_then(|e| crate::repo::decode(j.git.blob(e.id).ok()?).ok())
        .and_then(|text| Council::parse(text).ok())
        .and_then(|(_, diags)| diags.into_iter().find(|d| d.rule == "invalid-council"));
    if let Some(d) = problem {
        j.report(
            "council-change",
            council::FILE,
            format!("left council.toml invalid (line {}: {})", d.line, d.message),
        );
    }
}

/// Proposal `id` as its closed decision record pins it (the text the council voted on), with
/// the record's file and the pin; `None` when no closed record names it or the text is gone.
fn voted_text(j: &Judge<'_>, id: u32) -> Option<(String, String, Proposal)> {
    let path = j.after.by_id.get(&id)?.iter().next()?.clone();
    let names = j.after.named_by.get(&path)?;
    let rec = names
        .iter()
        .filter_map(|n| j.after.record(n))
        .find(|r| r.is_closed())?;
    let pin = rec.option(id)?.text.clone();
    let voted = Proposal::parse_front_matter(&path, blob_text(j, &pin)?)?;
    Some((rec.file.clone(), pin, voted))
}

/// A move to Superseded changes an outcome, so it needs a decision behind it: the successor's
/// text as the council accepted it lists this proposal in `replaces`. Otherwise only the chair
/// (with no chair, a delegate), as council.toml stood before the commit, records it. Either
/// way, the process document in force is superseded only as council.toml stops naming it.
fn superseded_by_decision(j: &mut Judge<'_>, ch: &Change, successor: u32, id: u32) {
    let decided = voted_text(j, successor)
        .is_some_and(|(_, _, voted)| voted.replaces.iter().any(|r| r.value == id));
    if !decided {
        let what = format!(
            "moved {} to Superseded by {successor:04}, whose text as the council accepted it does not list {id:04} in `replaces` (a supersession nobody voted on)",
            ch.path
        );
        let before = j.before_council().cloned();
        let chair = before
            .as_ref()
            .and_then(|c| c.chair.as_ref().and_then(|name| c.delegate(&name.value)))
            .cloned();
        match chair {
            Some(chair) => {
                j.authored_by((&chair).into(), &ch.path, &what);
            }
            None => {
                let delegate = before
                    .as_ref()
                    .and_then(|c| c.delegate_by_email(&j.author.email))
                    .cloned();
                let signed = delegate
                    .as_ref()
                    .is_some_and(|d| d.key.as_deref().is_none_or(|k| j.signed_with(k).is_ok()));
                if !signed {
                    j.report(
                        "status-transition",
                        &ch.path,
                        format!(
                            "{what}: with no chair, only a delegate may do that (signed where they have a key); the commit is authored by {}",
                            j.author.email
                        ),
                    );
                }
            }
        }
    }
    let in_force = j.before_process().is_some_and(|(path, _)| path == ch.path);
    let still_named = j
        .after
        .council()
        .and_then(|c| c.process.as_ref())
        .is_some_and(|p| p.value == id);
    if in_force && still_named {
        j.report(
            "status-transition",
            &ch.path,
            format!(
                "moved {} to Superseded while council.toml still names it as the process document in force: the chair points `process` at its successor in the same commit",
                ch.path
            ),
        );
    }
}

/// Why process document `id` (as this commit leaves it) is not the text its decision accepted,
/// if it is not: its type or its `[rules]` differ from the version the record pins.
fn process_matches_its_vote(j: &Judge<'_>, id: u32) -> Option<String> {
    let path = j.after.by_id.get(&id)?.iter().next()?.clone();
    let now = j.after.proposal(&path)?;
    let (record, pin, voted) = voted_text(j, id)?;
    let rules = |p: &Proposal| p.rules.as_ref().map(|r| r.value.clone());
    if voted.kind.as_ref().map(|k| k.value) != now.kind.as_ref().map(|k| k.value) {
        return Some(format!(
            "{path} is no longer of the type it was voted on as ({record})"
        ));
    }
    if rules(&voted) != rules(now) {
        return Some(format!(
            "the [rules] of {path} differ from the text {record} pins ({pin}): only rules the council voted on come into force"
        ));
    }
    None
}

/// The text of a blob named by its hex id.
fn blob_text(j: &Judge<'_>, hex: &str) -> Option<String> {
    let id = j.git.parse_id(hex)?;
    crate::repo::decode(j.git.blob(id).ok()?).ok()
}

/// The id of the one delegate whose entry alone changed, in name, email or key only (the order
/// of the entries aside).
fn own_change(old: &Council, new: &Council) -> Option<String> {
    let lints = |c: &Council| {
        let mut l: Vec<_> = c.lints.iter().map(|(r, l, _)| (r.clone(), *l)).collect();
        l.sort_by(|a, b| a.0.cmp(&b.0));
        l
    };
    if old.name != new.name
        || old.process.as_ref().map(|p| p.value) != new.process.as_ref().map(|p| p.value)
        || old.chair.as_ref().map(|c| &c.value) != new.chair.as_ref().map(|c| &c.value)
        || old.delegates.len() != new.delegates.len()
        || lints(old) != lints(new)
    {
        return None;
    }
    let mut changed = None;
    for a in &old.delegates {
        let b = new.delegate(&a.id)?;
        if a.term != b.term {
            return None;
        }
        if a.name != b.name || a.email != b.email || a.key != b.key {
            if changed.is_some() {
                return None;
            }
            changed = Some(a.id.clone());
        }
    }
    changed
}

fn describe_council_change(old: &Council, new: Option<&Council>) -> String {
    let Some(new) = new else {
        return "it no longer parses".into();
    };
    let ids = |c: &Council| {
        c.delegates
            .iter()
            .map(|d| d.id.clone())
            .collect::<BTreeSet<_>>()
    };
    let (a, b) = (ids(old), ids(new));
    let mut parts = Vec::new();
    for added in b.difference(&a) {
        parts.push(format!("added delegate `{added}`"));
    }
    for gone in a.difference(&b) {
        parts.push(format!("removed delegate `{gone}`"));
    }
    for id in a.intersection(&b) {
        let (x, y) = (old.delegate(id), new.delegate(id));
        if let (Some(x), Some(y)) = (x, y) {
            if x.email != y.email {
                parts.push(format!("changed {id}'s email"));
            }
            if x.key != y.key {
                parts.push(format!("changed {id}'s key"));
            }
            if x.term != y.term {
                parts.push(format!("changed {id}'s term"));
            }
        }
    }
    if old.chair.as_ref().map(|c| &c.value) != new.chair.as_ref().map(|c| &c.value) {
        parts.push("changed the chair".into());
    }
    if old.process.as_ref().map(|p| p.value) != new.process.as_ref().map(|p| p.value) {
        parts.push("changed `process`".into());
    }
    if parts.is_empty() {
        "edited it".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subject_has_one_row() {
        for s in [
            Subject::Ballot,
            Subject::Casting,
            Subject::RecordCreated,
            Subject::RecordClosed,
            Subject::RecordRemoved,
            Subject::RecordOther,
            Subject::ProposalInVoting,
            Subject::ProposalRecorded,
            Subject::ProposalStatus,
            Subject::ProcessRules,
            Subject::CouncilFile,
            Subject::Theme,
        ] {
            assert_eq!(TABLE.iter().filter(|r| r.subject == s).count(), 1, "{s:?}");
        }
    }

    #[test]
    fn status_only_edits_are_recognised() {
        let old = "+++\nid = 1\nstatus = \"Voting\" # s\n+++\nbody\n";
        let new = "+++\nid = 1\nstatus = \"Accepted\" # s\nresolved = 2026-01-01\n+++\nbody\n";
        assert_eq!(beyond_status(old, new), None);
        let new = "+++\nid = 1\nstatus = \"Accepted\" # s\n+++\nbody!\n";
        assert_eq!(beyond_status(old, new), Some(5));
    }
}
