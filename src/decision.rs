//! Decisions: which proposals compete, which ballots count, and the state and outcome of the
//! count (SPEC section 5). Pure over a loaded [`Repo`] and a clock reading.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, Utc};

use crate::diag::Diagnostic;
use crate::model::ballot::{BallotFile, NONE};
use crate::model::proposal::Proposal;
use crate::model::status::Status;
use crate::repo::Repo;
use crate::tally::{self, Count, Profile};

/// A decision's state, tried in the order of SPEC section 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Open,
    Inquorate,
    Blocked,
    Tie,
    Decided,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Inquorate => "inquorate",
            State::Blocked => "blocked",
            State::Tie => "tie",
            State::Decided => "decided",
        }
    }
}

/// One decision: its proposals and ballot files.
#[derive(Debug)]
pub struct Decision<'r> {
    pub name: String,
    /// The competing proposals, by id.
    pub proposals: Vec<&'r Proposal>,
    pub opens: Option<DateTime<FixedOffset>>,
    pub closes: Option<DateTime<FixedOffset>>,
    pub ballots: Vec<&'r BallotFile>,
}

impl<'r> Decision<'r> {
    /// The options: each proposal's four-digit id, sorted, then `none`.
    pub fn options(&self) -> Vec<String> {
        let mut o: Vec<String> = self.proposals.iter().filter_map(|p| p.option()).collect();
        o.push(NONE.to_owned());
        tally::sort_options(&mut o);
        o
    }

    /// The single proposal of a one-proposal decision (for the `vote` shorthand).
    pub fn single(&self) -> Option<String> {
        match self.proposals.as_slice() {
            [p] if p.topic.is_none() => p.option(),
            _ => None,
        }
    }

    /// Whether any proposal of the decision is being voted on now.
    pub fn in_voting(&self) -> bool {
        self.proposals
            .iter()
            .any(|p| p.status.as_ref().is_some_and(|s| s.value == Status::Voting))
    }
}

/// The voting window of a decision's proposals: the earliest opening, the latest closing.
pub fn window<'p>(
    proposals: impl Iterator<Item = &'p Proposal> + Clone,
) -> (Option<DateTime<FixedOffset>>, Option<DateTime<FixedOffset>>) {
    let opens = proposals
        .clone()
        .filter_map(|p| p.voting_opens.as_ref().map(|o| o.value))
        .min();
    let closes = proposals
        .filter_map(|p| p.voting_closes.as_ref().map(|o| o.value))
        .max();
    (opens, closes)
}

/// Whether a proposal took part in a vote: it is in Voting, or its window was recorded.
fn voted(p: &Proposal) -> bool {
    p.status.as_ref().is_some_and(|s| s.value == Status::Voting) || p.voting_opens.is_some()
}

/// Every decision that has proposals under vote (or voted) or ballot files, sorted by name.
pub fn decisions(repo: &Repo) -> Vec<Decision<'_>> {
    let mut by_name: BTreeMap<String, Vec<&Proposal>> = BTreeMap::new();
    for p in &repo.proposals {
        if let Some(name) = p.decision().filter(|_| voted(p)) {
            by_name.entry(name).or_default().push(p);
        }
    }
    for b in &repo.ballots {
        by_name.entry(b.decision.clone()).or_default();
    }
    for c in &repo.castings {
        by_name.entry(c.decision.clone()).or_default();
    }
    by_name
        .into_iter()
        .map(|(name, mut proposals)| {
            // A decision runs for the proposals of its latest window.
            let latest = proposals
                .iter()
                .filter_map(|p| p.voting_opens.as_ref().map(|o| o.value))
                .max();
            if proposals
                .iter()
                .any(|p| p.status.as_ref().is_some_and(|s| s.value == Status::Voting))
            {
                proposals.retain(|p| p.status.as_ref().is_some_and(|s| s.value == Status::Voting));
            } else if let Some(latest) = latest {
                proposals.retain(|p| p.voting_opens.as_ref().is_some_and(|o| o.value == latest));
            }
            proposals.sort_by_key(|p| p.id.as_ref().map(|i| i.value));
            let (opens, closes) = window(proposals.iter().copied());
            let ballots = repo.ballots.iter().filter(|b| b.decision == name).collect();
            Decision {
                name,
                proposals,
                opens,
                closes,
                ballots,
            }
        })
        .collect()
}

/// Finds a decision by name (a topic, or an id in any zero-padding).
pub fn find<'r>(all: Vec<Decision<'r>>, name: &str) -> Option<Decision<'r>> {
    let norm = |s: &str| match s.parse::<u32>() {
        Ok(n) => format!("{n:04}"),
        Err(_) => s.to_owned(),
    };
    all.into_iter().find(|d| d.name == norm(name))
}

/// The delegates expected to vote in a decision: those whose term covers its opening.
pub fn eligible<'a>(repo: &'a Repo, d: &Decision<'_>) -> Vec<&'a str> {
    let day = d.opens.map(|o| o.date_naive());
    repo.council
        .delegates
        .iter()
        .filter(|del| match (del.term, day) {
            (Some((from, to)), Some(day)) => {
                from.is_none_or(|f| f <= day) && to.is_none_or(|t| day <= t)
            }
            _ => true,
        })
        .map(|del| del.id.as_str())
        .collect()
}

/// Why a ballot file is not counted, as diagnostics (empty: it counts).
pub fn ballot_problems(repo: &Repo, d: &Decision<'_>, b: &BallotFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(ballot) = &b.ballot else { return out };
    let at = |rule, span: std::ops::Range<usize>, msg: String| {
        Diagnostic::at(rule, &b.file, &b.source, span, msg)
    };
    if repo.council.delegate(&b.delegate).is_none() {
        let known: Vec<_> = repo
            .council
            .delegates
            .iter()
            .map(|d| d.id.as_str())
            .collect();
        out.push(Diagnostic::file(
            "ballot-voter",
            &b.file,
            format!(
                "`{}` is not a delegate in council.toml (delegates: {})",
                b.delegate,
                known.join(", ")
            ),
        ));
    }
    if d.proposals.is_empty() {
        out.push(Diagnostic::file(
            "ballot-decision",
            &b.file,
            format!("no proposal is in Voting for decision `{}`: ballots are cast after `council open {}`", d.name, d.name),
        ));
        return out;
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
    if let (Some(cast), Some(opens), Some(closes)) = (&ballot.cast, d.opens, d.closes)
        && (cast.value < opens || cast.value > closes)
    {
        out.push(at(
            "ballot-window",
            cast.span.clone(),
            format!(
                "cast at {} outside the voting window {} to {}",
                cast.value.to_rfc3339(),
                opens.to_rfc3339(),
                closes.to_rfc3339()
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

/// Counts a decision as of `now`.
pub fn tally(repo: &Repo, d: &Decision<'_>, now: DateTime<Utc>) -> Tally {
    let rules = repo.rules();
    let options = d.options();
    let index = |name: &str| options.iter().position(|o| o == name);
    let single = d.single();
    let electorate = eligible(repo, d);
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
            excluded.push((b.file.clone(), "the file is malformed".to_owned()));
            continue;
        };
        if let Some(p) = ballot_problems(repo, d, b).first() {
            excluded.push((b.file.clone(), p.message.clone()));
            continue;
        }
        if !eligible_ids.contains(b.delegate.as_str()) {
            excluded.push((
                b.file.clone(),
                format!("`{}`'s term does not cover this vote", b.delegate),
            ));
            continue;
        }
        voted.insert(b.delegate.clone());
        concerns.extend(
            ballot
                .concerns
                .iter()
                .map(|c| (b.delegate.clone(), c.clone())),
        );
        let Some(pref) = ballot.preference(single.as_deref()) else {
            recused.push(b.delegate.clone());
            continue;
        };
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
            d.proposals
                .iter()
                .find(|p| p.option().as_deref() == Some(o.as_str()))
                .and_then(|p| p.kind.as_ref())
                .map_or(crate::model::rules::Ratio::SIMPLE, |k| {
                    rules.majority_for(k.value)
                })
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
    let casting = repo
        .castings
        .iter()
        .find(|c| c.decision == d.name)
        .and_then(|c| c.winner.as_ref())
        .map(|w| w.value.clone())
        .filter(|w| count.winners.len() > 1 && count.winner_names().contains(w));
    let window_closed = d.closes.is_some_and(|c| now >= c);
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
        closes: d.closes,
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
