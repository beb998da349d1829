//! Decisions: which proposals compete, which ballots count, and the state and outcome of the
//! count (SPEC section 5). Pure over a loaded [`Repo`] and a clock reading.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset, Utc};

use crate::diag::Diagnostic;
use crate::model::ballot::{BallotFile, Casting, NONE};
use crate::model::proposal::Proposal;
use crate::model::record::{self, Record};
use crate::model::status::Status;
use crate::repo::Repo;
use crate::tally::{self, Count, Profile};

pub use crate::model::record::State;

/// One decision: its record (if it has one), its ballot files and casting vote.
#[derive(Debug)]
pub struct Decision<'r> {
    pub name: String,
    /// The record that fixes the decision; `None` when ballots exist without one.
    pub record: Option<&'r Record>,
    /// The proposals the record names, as they stand now (by path).
    pub proposals: Vec<&'r Proposal>,
    pub ballots: Vec<&'r BallotFile>,
    pub casting: Option<&'r Casting>,
}

impl<'r> Decision<'r> {
    /// The options: each proposal's four-digit id, sorted, then `none`.
    pub fn options(&self) -> Vec<String> {
        let mut o: Vec<String> = self.record.map(Record::option_names).unwrap_or_default();
        o.push(NONE.to_owned());
        tally::sort_options(&mut o);
        o
    }

    /// The single proposal of a one-proposal decision (for the `vote` shorthand).
    pub fn single(&self) -> Option<String> {
        self.record.and_then(Record::single)
    }

    pub fn closes(&self) -> Option<DateTime<FixedOffset>> {
        self.record.map(|r| r.closes)
    }

    /// Whether the vote runs: a record without `[closed]`.
    pub fn is_open(&self) -> bool {
        self.record.is_some_and(|r| !r.is_closed())
    }
}

/// Every decision with a record or ballot files, sorted by name.
pub fn decisions(repo: &Repo) -> Vec<Decision<'_>> {
    // Indexed once: a repository holds thousands of decisions and ballots. The first of two
    // entries with one key wins, as in the lookups `find` makes.
    let mut by_file: HashMap<&str, &Proposal> = HashMap::new();
    for p in &repo.proposals {
        by_file.entry(p.file.as_str()).or_insert(p);
    }
    let mut records: BTreeMap<&str, &Record> = BTreeMap::new();
    for r in &repo.records {
        records.entry(r.decision.as_str()).or_insert(r);
    }
    let mut ballots: BTreeMap<&str, Vec<&BallotFile>> = BTreeMap::new();
    for b in &repo.ballots {
        ballots.entry(b.decision.as_str()).or_default().push(b);
    }
    let mut castings: BTreeMap<&str, &Casting> = BTreeMap::new();
    for c in &repo.castings {
        castings.entry(c.decision.as_str()).or_insert(c);
    }
    let mut names: BTreeSet<&str> = records.keys().copied().collect();
    names.extend(ballots.keys());
    names.extend(castings.keys());
    names
        .into_iter()
        .map(|name| {
            let record = records.get(name).copied();
            Decision {
                name: name.to_owned(),
                record,
                proposals: record
                    .map(|r| {
                        r.options
                            .iter()
                            .filter_map(|o| by_file.get(o.file.as_str()).copied())
                            .collect()
                    })
                    .unwrap_or_default(),
                ballots: ballots.remove(name).unwrap_or_default(),
                casting: castings.get(name).copied(),
            }
        })
        .collect()
}

/// One decision, found by scanning the repository.
fn build<'r>(repo: &'r Repo, name: &str) -> Decision<'r> {
    let record = repo.record(name);
    let proposals = record
        .map(|r| {
            r.options
                .iter()
                .filter_map(|o| repo.proposal_at(&o.file))
                .collect()
        })
        .unwrap_or_default();
    Decision {
        name: name.to_owned(),
        record,
        proposals,
        ballots: repo.ballots.iter().filter(|b| b.decision == name).collect(),
        casting: repo.castings.iter().find(|c| c.decision == name),
    }
}

/// A decision's name as given on the command line: a topic, or an id in any zero-padding.
pub fn normalize(name: &str) -> String {
    match name.trim().parse::<u32>() {
        Ok(n) => format!("{n:04}"),
        Err(_) => name.trim().to_owned(),
    }
}

/// Finds a decision by name (a topic, or an id in any zero-padding).
pub fn find<'r>(repo: &'r Repo, name: &str) -> Option<Decision<'r>> {
    let name = normalize(name);
    let known = repo.record(&name).is_some()
        || repo.ballots.iter().any(|b| b.decision == name)
        || repo.castings.iter().any(|c| c.decision == name);
    known.then(|| build(repo, &name))
}

/// Said when a record that exists cannot be read.
pub const NEVER_GUESSED: &str =
    " (council never guesses at a decision record; `council check` lists every problem)";

/// The decision named on the command line, with a usable record; the error says why not.
pub fn find_recorded<'r>(repo: &'r Repo, name: &str) -> anyhow::Result<(Decision<'r>, &'r Record)> {
    let norm = normalize(name);
    if let Some(why) = repo.record_problem(&norm) {
        return Err(why.hinted(NEVER_GUESSED).into());
    }
    match find(repo, &norm) {
        Some(d) => match d.record {
            Some(r) => Ok((d, r)),
            None => Err(missing(repo, &norm)),
        },
        None => Err(missing(repo, &norm)),
    }
}

/// Why there is no decision `name`, with the name the user likely meant.
fn missing(repo: &Repo, name: &str) -> anyhow::Error {
    let path = record::path(name);
    if let Some(topic) = name
        .parse::<u32>()
        .ok()
        .and_then(|n| repo.proposal(n))
        .and_then(|p| p.topic.as_ref())
    {
        return anyhow::anyhow!(
            "no decision `{name}`: proposal {name} belongs to topic `{}`, and the topic is the decision: name `{}` instead",
            topic.value,
            topic.value
        );
    }
    if repo
        .proposals
        .iter()
        .any(|p| p.decision().as_deref() == Some(name))
    {
        anyhow::anyhow!(
            "no decision `{name}`: {path} does not exist (a vote starts with `council open {name}`)"
        )
    } else {
        anyhow::anyhow!(
            "no decision `{name}`: {path} does not exist, and no proposal belongs to it (a decision is a topic, or the id of a proposal without one; `council list` shows them)"
        )
    }
}

/// The delegates expected to vote: the record's electors.
pub fn eligible<'a>(d: &Decision<'a>) -> Vec<&'a str> {
    d.record
        .map(|r| r.electors.iter().map(|e| e.id.as_str()).collect())
        .unwrap_or_default()
}

/// Why a ballot file is not counted, as diagnostics (empty: it counts).
pub fn ballot_problems(d: &Decision<'_>, b: &BallotFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(ballot) = &b.ballot else { return out };
    let at = |rule, span: std::ops::Range<usize>, msg: String| {
        Diagnostic::at(rule, &b.file, &b.source, span, msg)
    };
    let Some(record) = d.record else {
        out.push(Diagnostic::file(
            "ballot-decision",
            &b.file,
            format!(
                "decision `{}` has no record ({}): ballots are cast after `council open {}`, and a cancelled vote's ballots are removed with it",
                d.name,
                record::path(&d.name),
                d.name
            ),
        ));
        return out;
    };
    if record.elector(&b.delegate).is_none() {
        let known: Vec<_> = record.electors.iter().map(|e| e.id.as_str()).collect();
        out.push(Diagnostic::file(
            "ballot-voter",
            &b.file,
            format!(
                "`{}` is not an elector of decision `{}` (its record names {})",
                b.delegate,
                d.name,
                known.join(", ")
            ),
        ));
    }
    let options = d.options();
    if let Some(r) = &ballot.ranking {
        let mut seen = BTreeSet::new();
        for name in r.value.iter().flatten() {
            if !options.contains(&name.value) {
                let hint = match name.value.parse::<u32>() {
                    Ok(n) if options.contains(&format!("{n:04}")) => {
                        format!(": write it as \"{n:04}\"")
                    }
                    _ => format!(": the options are {}", options.join(", ")),
                };
                out.push(at(
                    "ballot-option",
                    name.span.clone(),
                    format!(
                        "`{}` is not an option of decision `{}`{hint}",
                        name.value, d.name
                    ),
                ));
            } else if !seen.insert(name.value.as_str()) {
                out.push(at(
                    "ballot-option",
                    name.span.clone(),
                    format!("`{}` is ranked more than once", name.value),
                ));
            }
        }
    }
    if let Some(v) = &ballot.vote
        && d.single().is_none()
    {
        out.push(at(
            "ballot-form",
            v.span.clone(),
            format!(
                "`vote` is only for a one-proposal decision; `{}` has options {}: use `ranking`",
                d.name,
                options.join(", ")
            ),
        ));
    }
    if let Some(cast) = &ballot.cast
        && (cast.value < record.opened || cast.value > record.closes)
    {
        out.push(at(
            "ballot-window",
            cast.span.clone(),
            format!(
                "cast at {} outside the voting window {} to {}",
                cast.value.to_rfc3339(),
                record.opened.to_rfc3339(),
                record.closes.to_rfc3339()
            ),
        ));
    }
    out
}

/// The result of counting one decision.
#[derive(Debug, Clone)]
pub struct Tally {
    pub decision: String,
    pub state: State,
    /// For a closed decision: when it closed, and what its ballots count now where that is not
    /// the record's `[closed]` (which state, winners, casting and outcome then hold).
    pub closing: Option<Closing>,
    pub count: Count,
    /// Counted ballots, abstentions included.
    pub cast: usize,
    pub abstained: usize,
    pub recused: Vec<String>,
    pub missing: Vec<String>,
    /// Ballots needed (min-ballots over the delegates who did not recuse).
    pub required: usize,
    pub casting: Option<String>,
    /// Proposal option to its new status; empty unless decided.
    pub outcome: BTreeMap<String, Status>,
    pub concerns: Vec<(String, String)>,
    /// Ballot files not counted, with the reason.
    pub excluded: Vec<(String, String)>,
    pub closes: Option<DateTime<FixedOffset>>,
    /// The time the count was made as of.
    pub now: DateTime<Utc>,
    /// Distinct ballots after aggregation.
    pub distinct: usize,
}

impl Tally {
    /// The option that wins: the single Schulze winner or the casting vote.
    pub fn winner(&self) -> Option<&str> {
        match (self.count.winners.as_slice(), &self.casting) {
            ([w], _) => Some(self.count.options[*w].as_str()),
            (_, Some(c)) => Some(c.as_str()),
            _ => None,
        }
    }
}

/// A closed decision, beside the count of its ballots as they are now.
#[derive(Debug, Clone)]
pub struct Closing {
    pub at: chrono::DateTime<chrono::FixedOffset>,
    /// What the ballots count, as of the closing time, where that is not `[closed]` (a ballot
    /// put in after closing, say, which `check` reports as `status-tally`).
    pub recount: Option<crate::model::record::Closed>,
}

/// Counts a decision as of `now`, from its record and ballots alone. A closed record's state
/// is its `[closed]` state for good; its count is made as of its closing time.
pub fn tally(d: &Decision<'_>, now: DateTime<Utc>) -> Tally {
    let closed = d.record.and_then(|r| r.closed.as_ref());
    let now = closed.map_or(now, |c| c.at.with_timezone(&Utc));
    let mut t = count(d, now);
    if let Some(c) = closed {
        // A closed decision's result is its record's `[closed]`, for good, whatever its
        // ballots count now (a ballot put in after closing, say, which `check` reports): what
        // every command shows of it comes from here. The count itself (pairwise, drops) stays
        // the ballots'; `closing.recount` says where it differs.
        let recount = t.closed(c.at.with_timezone(&Utc));
        t.closing = Some(Closing {
            at: c.at,
            recount: (!t.agrees_with(c)).then_some(recount),
        });
        t.state = c.state;
        t.casting = c.casting.clone();
        t.outcome = c.outcome.clone();
        let winners: Vec<usize> = (c.winners.iter())
            .filter_map(|w| t.count.options.iter().position(|o| o == w))
            .collect();
        if winners.len() == c.winners.len() {
            t.count.winners = winners;
        }
    }
    t
}

/// The count of a decision's record and ballots as of `now`, ignoring any `[closed]`.
pub fn count(d: &Decision<'_>, now: DateTime<Utc>) -> Tally {
    let default_rules = crate::model::rules::Rules::default();
    let rules = d.record.map_or(&default_rules, |r| &r.rules);
    let options = d.options();
    let index = |name: &str| options.iter().position(|o| o == name);
    let single = d.single();
    let electorate = eligible(d);
    let eligible_ids: std::collections::HashSet<&str> = electorate.iter().copied().collect();
    let mut profile = Profile::new(options.len());
    let mut cast = 0;
    let mut abstained = 0;
    let mut recused = Vec::new();
    let mut voted = BTreeSet::new();
    let mut concerns = Vec::new();
    let mut excluded = Vec::new();
    for b in &d.ballots {
        let Some(ballot) = b.ballot.as_ref().filter(|_| !b.malformed) else {
            let why = b.malformed_why.as_deref().unwrap_or("it could not be read");
            excluded.push((b.file.clone(), format!("the file is malformed ({why})")));
            continue;
        };
        if let Some(p) = ballot_problems(d, b).first() {
            excluded.push((b.file.clone(), p.message.clone()));
            continue;
        }
        if !eligible_ids.contains(b.delegate.as_str()) {
            continue;
        }
        voted.insert(b.delegate.clone());
        let Some(pref) = ballot.preference(single.as_deref()) else {
            recused.push(b.delegate.clone());
            continue;
        };
        concerns.extend(
            ballot
                .concerns
                .iter()
                .map(|c| (b.delegate.clone(), c.clone())),
        );
        cast += 1;
        let groups: Vec<Vec<usize>> = pref
            .iter()
            .map(|g| g.iter().filter_map(|o| index(o)).collect())
            .collect();
        let named: Vec<&Vec<usize>> = groups.iter().filter(|g| !g.is_empty()).collect();
        if named.is_empty() || (named.len() == 1 && named[0].len() == options.len()) {
            abstained += 1;
        }
        profile.add(&groups, 1);
    }
    let ratios: Vec<_> = options
        .iter()
        .map(|o| {
            d.record
                .map_or(crate::model::rules::Ratio::SIMPLE, |r| r.ratio(o))
        })
        .collect();
    let count = tally::count(
        options.clone(),
        profile.pairwise(),
        &ratios,
        u64::from(rules.quorum),
    );
    let missing: Vec<String> = electorate
        .iter()
        .filter(|e| !voted.contains(**e))
        .map(|e| (*e).to_owned())
        .collect();
    let base = electorate.len() - recused.len().min(electorate.len());
    let required = rules.min_ballots.required(base);
    // A chair who recused has a conflict of interest: their casting vote settles nothing.
    let chair_recused = d
        .record
        .and_then(|r| r.chair.as_deref())
        .is_some_and(|c| recused.iter().any(|r| r == c));
    if chair_recused && let Some(c) = d.casting {
        excluded.push((
            c.file.clone(),
            "the chair recused from this decision, so their casting vote does not count".to_owned(),
        ));
    }
    let casting = d
        .casting
        .filter(|_| !chair_recused)
        .and_then(|c| c.winner.as_ref())
        .map(|w| w.value.clone())
        .filter(|w| count.winners.len() > 1 && count.winner_names().contains(w));
    let closes = d.closes();
    let window_closed = closes.is_none_or(|c| now >= c);
    let state = if !window_closed && (!rules.close_early || !missing.is_empty()) {
        State::Open
    } else if cast < required {
        State::Inquorate
    } else if rules.concerns_block && !concerns.is_empty() {
        State::Blocked
    } else if count.winners.len() > 1 && casting.is_none() {
        State::Tie
    } else {
        State::Decided
    };
    let mut t = Tally {
        decision: d.name.clone(),
        state,
        closing: None,
        distinct: profile.distinct(),
        count,
        cast,
        abstained,
        recused,
        missing,
        required,
        casting,
        outcome: BTreeMap::new(),
        concerns,
        excluded,
        closes,
        now,
    };
    if state == State::Decided {
        let winner = t.winner().map(str::to_owned);
        for o in options.iter().filter(|o| *o != NONE) {
            let st = if winner.as_deref() == Some(o.as_str()) {
                Status::Accepted
            } else {
                Status::Rejected
            };
            t.outcome.insert(o.clone(), st);
        }
    }
    t
}

impl Tally {
    /// The `[closed]` table that records this count.
    pub fn closed(&self, at: DateTime<Utc>) -> crate::model::record::Closed {
        crate::model::record::Closed {
            at: at.fixed_offset(),
            state: self.state,
            winners: self.count.winner_names(),
            casting: self.casting.clone(),
            outcome: self.outcome.clone(),
        }
    }

    /// Whether `[closed]` says exactly what this count says.
    pub fn agrees_with(&self, c: &crate::model::record::Closed) -> bool {
        c.state == self.state
            && c.winners == self.count.winner_names()
            && c.casting == self.casting
            && c.outcome == self.outcome
    }
}
