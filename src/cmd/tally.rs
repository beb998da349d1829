//! `council tally`: count decisions and explain every step.

use std::io::Write;

use anyhow::Result;

use crate::Exit;
use crate::cli::TextFormat;
use crate::cmd::Ctx;
use crate::decision::{self, Decision, State, Tally};
use crate::repo::Repo;

/// The count as JSON (SPEC section 6). For a closed decision, `state`, `winners`, `casting`
/// and `outcome` are its record's `[closed]` (its result for good), and `closed` says when it
/// closed and whether the ballots as they are now count the same (else `recount` holds what
/// they count); `closed` is `null` while the vote is open.
pub fn json(t: &Tally) -> serde_json::Value {
    let c = &t.count;
    let status_map = |o: &std::collections::BTreeMap<String, crate::model::status::Status>| {
        o.iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str())))
            .collect::<serde_json::Map<_, _>>()
    };
    let closed = t.closing.as_ref().map(|cl| {
        serde_json::json!({
            "at": cl.at.to_rfc3339(),
            "recount_agrees": cl.recount.is_none(),
            "recount": cl.recount.as_ref().map(|r| serde_json::json!({
                "state": r.state.as_str(),
                "winners": r.winners,
                "casting": r.casting,
                "outcome": status_map(&r.outcome),
            })),
        })
    });
    serde_json::json!({
        "decision": t.decision,
        "method": "schulze",
        "state": t.state.as_str(),
        "options": c.options,
        "pairwise": c.pairwise,
        "ballots": {
            "cast": t.cast,
            "abstained": t.abstained,
            "recused": sorted(&t.recused),
            "missing": sorted(&t.missing),
        },
        "dropped": c.dropped.iter().map(|d| serde_json::json!({
            "option": c.options[d.option],
            "reason": d.reason,
        })).collect::<Vec<_>>(),
        "winners": c.winner_names(),
        "casting": t.casting,
        "outcome": status_map(&t.outcome),
        "concerns": t.concerns.iter().map(|(d, text)| serde_json::json!({"delegate": d, "text": text})).collect::<Vec<_>>(),
        "closed": closed,
    })
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

pub fn run(
    ctx: &Ctx,
    out: &mut dyn Write,
    names: &[String],
    at: Option<&str>,
    format: TextFormat,
) -> Result<Exit> {
    let root = ctx.root()?;
    let repo = match at {
        None => Repo::load(&root)?,
        Some(rev) => {
            let git = crate::git::Git::open(&root)?;
            let commit = git.resolve(rev)?;
            let files = git.snapshot(commit)?;
            if !ctx.quiet && format == TextFormat::Text {
                let c = git.commit(commit)?;
                writeln!(
                    out,
                    "as of commit {} ({}): {}\n",
                    c.short(),
                    c.time.to_rfc3339(),
                    c.summary
                )?;
            }
            Repo::load_for_count(&root, &files)?
        }
    };
    repo.require_valid_config()?;
    let mut chosen: Vec<Decision<'_>> = Vec::new();
    if names.is_empty() {
        // Every decision is counted: one whose record cannot be read is not skipped in silence.
        if let Some(why) = repo
            .broken_records
            .iter()
            .find_map(|name| repo.record_problem(name))
        {
            return Err(why.hinted(decision::NEVER_GUESSED).into());
        }
        chosen = decision::decisions(&repo)
            .into_iter()
            .filter(|d| d.record.is_some())
            .collect();
    } else {
        for n in names {
            chosen.push(decision::find_recorded(&repo, n)?.0);
        }
    }
    let tallies: Vec<Tally> = chosen.iter().map(|d| decision::tally(d, ctx.now)).collect();
    match format {
        TextFormat::Json => {
            let all: Vec<_> = tallies.iter().map(json).collect();
            writeln!(out, "{}", serde_json::Value::Array(all))?;
        }
        TextFormat::Text => {
            if tallies.is_empty() && !ctx.quiet {
                writeln!(
                    out,
                    "no decisions to count: there is no decision record in decisions/ (a vote starts with `council open`)"
                )?;
            }
            for (i, (d, t)) in chosen.iter().zip(&tallies).enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                explain(out, &repo, d, t)?;
            }
        }
    }
    Ok(Exit::Success)
}

/// A count's state in the words of a headline; `hint` adds what to do about a tie.
fn headline(d: &Decision<'_>, t: &Tally, hint: bool) -> String {
    let c = &t.count;
    match t.state {
        State::Decided => format!("decided: {} wins", t.winner().unwrap_or("?")),
        State::Open => format!(
            "open (provisional leader{}: {})",
            if c.winners.len() > 1 { "s" } else { "" },
            c.winner_names().join(", ")
        ),
        State::Tie if hint => format!(
            "tie between {}: the chair's casting vote decides (council vote {} --casting OPTION)",
            c.winner_names().join(", "),
            d.name
        ),
        State::Tie => format!("tie between {}", c.winner_names().join(", ")),
        State::Inquorate => format!(
            "inquorate: {} counted, {} needed",
            crate::emit::plural(t.cast, "ballot"),
            t.required
        ),
        State::Blocked => "blocked by unresolved concerns".to_owned(),
    }
}

fn explain(out: &mut dyn Write, repo: &Repo, d: &Decision<'_>, t: &Tally) -> Result<()> {
    let c = &t.count;
    let Some(record) = d.record else {
        return Ok(());
    };
    let rules = &record.rules;
    // A closed decision's result is its record's `[closed]`, for good (`t` holds it): a
    // recount that differs (a ballot put in after closing, say) is reported beside it.
    let headline = match &t.closing {
        Some(cl) => match &cl.recount {
            Some(r) => format!(
                "{} (closed at {}, as recorded); the ballots now in votes/{}/ count differently: {}, {}; `council check` reports it (status-tally)",
                headline(d, t, false),
                cl.at.to_rfc3339(),
                d.name,
                result_words(r),
                if r.outcome.is_empty() {
                    "no outcome".to_owned()
                } else {
                    format!("outcome {}", outcome_words(&r.outcome))
                }
            ),
            None => format!(
                "{} (closed at {})",
                headline(d, t, true),
                cl.at.to_rfc3339()
            ),
        },
        None => headline(d, t, true),
    };
    writeln!(out, "decision {}: {headline}", d.name)?;
    writeln!(
        out,
        "  record: {} (opened by {}{})",
        record.file,
        record.opened_by,
        record
            .chair
            .as_ref()
            .map_or(String::new(), |c| format!("; chair {c}"))
    )?;
    for o in &record.options {
        let title = repo.proposal(o.id).map_or("(missing)", |p| p.title_str());
        writeln!(
            out,
            "  option {}  {title} ({}, majority {})",
            o.name(),
            o.kind,
            o.majority
        )?;
    }
    writeln!(out, "  option none  reject them all")?;
    let when = if record.is_closed() {
        "closed"
    } else if t.closes.is_some_and(|cl| t.now >= cl) {
        "window over"
    } else {
        "still open"
    };
    writeln!(
        out,
        "  window: {} to {} ({when})",
        record.opened.to_rfc3339(),
        record.closes.to_rfc3339()
    )?;
    writeln!(
        out,
        "  ballots: {} counted ({} abstaining), {} needed (min-ballots = {}); recused: {}; not voted: {}",
        t.cast,
        t.abstained,
        t.required,
        rules.min_ballots,
        list_or_none(&t.recused),
        list_or_none(&t.missing)
    )?;
    for (file, why) in &t.excluded {
        writeln!(out, "  not counted: {file}: {why}")?;
    }
    writeln!(
        out,
        "\n  pairwise: V(row, column) = ballots ranking row above column"
    )?;
    let w = c.options.iter().map(|o| o.len()).max().unwrap_or(4).max(
        c.pairwise
            .iter()
            .flatten()
            .max()
            .map_or(1, |m| m.to_string().len()),
    );
    write!(out, "  {:w$}", "")?;
    for o in &c.options {
        write!(out, "  {o:>w$}")?;
    }
    writeln!(out)?;
    for (i, row) in c.pairwise.iter().enumerate() {
        write!(out, "  {:w$}", c.options[i])?;
        for (j, v) in row.iter().enumerate() {
            if i == j {
                write!(out, "  {:>w$}", "-")?;
            } else {
                write!(out, "  {v:>w$}")?;
            }
        }
        writeln!(out)?;
    }
    writeln!(out)?;
    let none = c.none_index();
    if rules.quorum > 0 {
        writeln!(
            out,
            "  quorum: an option needs {} ranking it above none",
            crate::emit::plural(rules.quorum as usize, "ballot")
        )?;
    }
    for drop in &c.dropped {
        let name = &c.options[drop.option];
        let why = drop.explain(name, record.ratio(name), rules.quorum);
        writeln!(out, "  dropped {name}: {why}")?;
    }
    if c.dropped.is_empty() && c.options.len() > 1 {
        writeln!(out, "  every option passes quorum and majority")?;
    }
    if c.remaining == [none] {
        writeln!(
            out,
            "  only none is left: none wins, every proposal is rejected"
        )?;
    } else {
        let names: Vec<_> = c.remaining.iter().map(|&i| c.options[i].as_str()).collect();
        writeln!(
            out,
            "  Schulze among {}: defeats, strongest first (winning votes : losing votes)",
            names.join(", ")
        )?;
        for (a, b, (x, y)) in c.defeats() {
            writeln!(out, "    {} beats {}  {x}:{y}", c.options[a], c.options[b])?;
        }
        for &a in &c.remaining {
            let beaten: Vec<String> = c
                .remaining
                .iter()
                .filter(|&&b| b != a)
                .filter(|&&b| {
                    crate::tally::cmp_strength(c.paths[b][a], c.paths[a][b])
                        == std::cmp::Ordering::Greater
                })
                .map(|&b| {
                    let (x, y) = c.paths[b][a].unwrap_or((0, 0));
                    format!("{} ({x}:{y} path)", c.options[b])
                })
                .collect();
            if !beaten.is_empty() {
                writeln!(
                    out,
                    "    {} is not a winner: stronger paths from {}",
                    c.options[a],
                    beaten.join(", ")
                )?;
            }
        }
    }
    match t.state {
        // The count is shown for the record, but it decides nothing.
        State::Inquorate => writeln!(
            out,
            "  no winner: with {} counted and {} needed, the vote is inquorate whatever the ballots say",
            crate::emit::plural(t.cast, "ballot"),
            t.required
        )?,
        State::Blocked => writeln!(
            out,
            "  no winner: unresolved concerns block the decision whatever the ballots say"
        )?,
        _ => writeln!(
            out,
            "  {}: {}",
            if c.winners.len() == 1 {
                "winner"
            } else {
                "winners"
            },
            c.winner_names().join(", ")
        )?,
    }
    if let Some(cast) = &t.casting {
        writeln!(out, "  casting vote of the chair: {cast}")?;
    }
    for (who, text) in &t.concerns {
        writeln!(out, "  concern ({who}): {text}")?;
    }
    let note = match &t.closing {
        Some(cl) if cl.recount.is_some() => "recorded; not what the ballots now count".to_owned(),
        Some(_) => "recorded".to_owned(),
        None => format!("run `council close {}` to record it", d.name),
    };
    if !t.outcome.is_empty() {
        writeln!(out, "  outcome: {} ({note})", outcome_words(&t.outcome))?;
    }
    Ok(())
}

/// What a recount gives, in the words of a headline.
fn result_words(r: &crate::model::record::Closed) -> String {
    match (r.state, r.winners.as_slice()) {
        (State::Decided, [w]) => format!("decided: {w} wins"),
        (State::Decided, _) if r.casting.is_some() => format!(
            "decided: {} wins (casting vote)",
            r.casting.as_deref().unwrap_or_default()
        ),
        (State::Tie, w) => format!("tie between {}", w.join(", ")),
        (state, []) => state.as_str().to_owned(),
        (state, w) => format!("{}: {}", state.as_str(), w.join(", ")),
    }
}

/// An outcome: `0002 Accepted, 0003 Rejected`.
fn outcome_words(o: &std::collections::BTreeMap<String, crate::model::status::Status>) -> String {
    let o: Vec<_> = o.iter().map(|(k, v)| format!("{k} {v}")).collect();
    o.join(", ")
}

fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}
