//! `council show`: one proposal, its decision and its ballots.

use std::io::Write;

use anyhow::Result;

use crate::Exit;
use crate::git::Git;
use crate::model::proposal::Proposal;

/// One commit that touched a proposal.
struct Entry {
    commit: String,
    date: String,
    author: String,
    email: String,
    summary: String,
    status: Option<String>,
    /// "Draft -> Discussion" where this commit changed the status.
    change: Option<String>,
}

/// The proposal's history from git, newest first; why not, when there is none.
fn history(root: &std::path::Path, file: &str) -> Result<Vec<Entry>, String> {
    let git = Git::open(root).map_err(|e| format!("{e:#}"))?;
    let commits = git.file_history(file).map_err(|e| format!("{e:#}"))?;
    let status_of = |id| {
        git.blob(id)
            .ok()
            .and_then(|b| crate::repo::decode(b).ok())
            .and_then(|t| Proposal::parse_front_matter(file, t))
            .and_then(|p| p.status.map(|s| s.value.to_string()))
    };
    let statuses: Vec<Option<String>> = commits
        .iter()
        .map(|(_, blob)| blob.and_then(status_of))
        .collect();
    let mut out = Vec::new();
    for (i, (c, _)) in commits.iter().enumerate() {
        let older = statuses.get(i + 1).cloned().flatten();
        let now = statuses[i].clone();
        let change = match (&older, &now) {
            (Some(a), Some(b)) if a != b => Some(format!("{a} -> {b}")),
            (None, Some(b)) if i + 1 == commits.len() => Some(format!("created as {b}")),
            _ => None,
        };
        out.push(Entry {
            commit: c.short(),
            date: c.time.to_rfc3339(),
            author: c.author.clone(),
            email: c.email.clone(),
            summary: c.summary.clone(),
            status: now,
            change,
        });
    }
    if git.is_shallow() && !out.is_empty() {
        out.last_mut()
            .expect("non-empty")
            .summary
            .push_str(" (shallow clone: older history not fetched)");
    }
    Ok(out)
}
use crate::cli::TextFormat;
use crate::cmd::Ctx;
use crate::decision;
use crate::repo::Repo;

pub fn run(ctx: &Ctx, out: &mut dyn Write, id: &str, format: TextFormat) -> Result<Exit> {
    let repo = Repo::load(&ctx.root()?)?;
    let p = repo.find_proposal(id)?;
    // The record that names this proposal, else its decision by topic or id.
    let pid = p.id_value();
    let name = repo
        .records
        .iter()
        .find(|r| pid.is_some_and(|id| r.option(id).is_some()))
        .map(|r| r.decision.clone())
        .or_else(|| p.decision());
    let found = name.as_deref().and_then(|n| decision::find(&repo, n));
    let tally = found
        .as_ref()
        .filter(|d| d.record.is_some())
        .map(|d| decision::tally(d, ctx.now));
    let ballots: Vec<serde_json::Value> = found
        .as_ref()
        .map(|d| {
            d.ballots
                .iter()
                .map(|b| {
                    let ballot = b.ballot.as_ref();
                    serde_json::json!({
                        "delegate": b.delegate,
                        "file": b.file,
                        "ranking": ballot.and_then(|x| x.ranking_groups()),
                        "vote": ballot.and_then(|x| x.vote.as_ref()).map(|v| v.value.as_str()),
                        "recuse": ballot.is_some_and(|x| x.recuse),
                        "comment": ballot.and_then(|x| x.comment.clone()),
                        "concerns": ballot.map(|x| x.concerns.clone()).unwrap_or_default(),
                        "cast": ballot.and_then(|x| x.cast.as_ref()).map(|c| c.value.to_rfc3339()),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let history = history(&repo.root, &p.file);
    match format {
        TextFormat::Json => {
            let mut v = crate::cmd::list::json(p);
            if let serde_json::Value::Object(m) = &mut v {
                m.insert(
                    "decision".into(),
                    serde_json::json!({
                        "name": name,
                        "state": tally.as_ref().map(|t| t.state.as_str()),
                        "record": found.as_ref().and_then(|d| d.record).map(|r| r.file.clone()),
                        "options": found.as_ref().map(|d| d.options()),
                        "closes": found.as_ref().and_then(|d| d.closes()).map(|c| c.to_rfc3339()),
                        "winners": tally.as_ref().map(|t| t.count.winner_names()),
                        "casting": tally.as_ref().and_then(|t| t.casting.clone()),
                        "outcome": tally.as_ref().map(|t| t.outcome.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>()),
                        "ballots": ballots,
                    }),
                );
                let h = match &history {
                    Ok(entries) => serde_json::Value::Array(
                        entries
                            .iter()
                            .map(|e| {
                                serde_json::json!({
                                    "commit": e.commit, "date": e.date, "author": e.author,
                                    "email": e.email, "summary": e.summary, "status": e.status,
                                    "status-change": e.change,
                                })
                            })
                            .collect(),
                    ),
                    Err(_) => serde_json::Value::Null,
                };
                m.insert("history".into(), h);
            }
            writeln!(out, "{v}")?;
        }
        TextFormat::Text => {
            let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
            writeln!(out, "{}  {}", p.option().unwrap_or_default(), p.title_str())?;
            writeln!(out, "  file:           {}", p.file)?;
            writeln!(
                out,
                "  status:         {}",
                opt(&p.status.as_ref().map(|s| s.value.to_string()))
            )?;
            writeln!(
                out,
                "  type:           {}",
                opt(&p.kind.as_ref().map(|s| s.value.to_string()))
            )?;
            writeln!(
                out,
                "  topic:          {}",
                opt(&p.topic.as_ref().map(|s| s.value.clone()))
            )?;
            writeln!(
                out,
                "  authors:        {}",
                p.authors
                    .iter()
                    .map(|a| a.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
            writeln!(
                out,
                "  created:        {}",
                opt(&p.created.as_ref().map(|s| s.value.to_string()))
            )?;
            for (label, v) in [
                ("discussions-to", &p.discussions_to),
                ("resolution", &p.resolution),
                ("implementation", &p.implementation),
            ] {
                if let Some(v) = v {
                    writeln!(out, "  {:16}{}", format!("{label}:"), v.value)?;
                }
            }
            if let Some(r) = &p.resolved {
                writeln!(out, "  resolved:       {}", r.value)?;
            }
            for (label, ids) in [("requires", &p.requires), ("replaces", &p.replaces)] {
                if !ids.is_empty() {
                    let list: Vec<_> = ids.iter().map(|i| format!("{:04}", i.value)).collect();
                    writeln!(out, "  {:16}{}", format!("{label}:"), list.join(", "))?;
                }
            }
            if let Some(s) = &p.superseded_by {
                writeln!(out, "  superseded-by:  {:04}", s.value)?;
            }
            if let Some(n) = &name {
                write!(out, "\ndecision {n}")?;
                match (&found, &tally) {
                    (Some(d), Some(t)) => {
                        let record = d.record.expect("a tallied decision has a record");
                        writeln!(
                            out,
                            ": {} (options {}; record {}; window {} to {})",
                            t.state.as_str(),
                            d.options().join(", "),
                            record.file,
                            record.opened.to_rfc3339(),
                            record.closes.to_rfc3339()
                        )?;
                        if let Some(c) = &t.casting {
                            writeln!(out, "  casting vote of the chair: {c}")?;
                        }
                        if !t.outcome.is_empty() {
                            let o: Vec<_> =
                                t.outcome.iter().map(|(k, v)| format!("{k} {v}")).collect();
                            writeln!(out, "  outcome:     {}", o.join(", "))?;
                        }
                    }
                    _ => writeln!(out, ": not opened for voting")?,
                }
                if let Some(d) = &found {
                    for b in &d.ballots {
                        let text = b.summary();
                        writeln!(out, "  {:12} {text}", b.delegate)?;
                    }
                }
                if let Some(t) = &tally
                    && !t.missing.is_empty()
                {
                    writeln!(out, "  not voted:   {}", t.missing.join(", "))?;
                }
            }
            match &history {
                Ok(entries) if entries.is_empty() => writeln!(out, "\nhistory: not committed yet")?,
                Ok(entries) => {
                    let n = entries.len();
                    writeln!(
                        out,
                        "\nhistory ({n} commit{}, newest first):",
                        if n == 1 { "" } else { "s" }
                    )?;
                    for e in entries {
                        let change = e
                            .change
                            .as_ref()
                            .map(|c| format!("  [{c}]"))
                            .unwrap_or_default();
                        writeln!(
                            out,
                            "  {} {} {} <{}>  {}{change}",
                            e.commit,
                            &e.date[..10],
                            e.author,
                            e.email,
                            e.summary
                        )?;
                    }
                }
                Err(why) => writeln!(out, "\nhistory: unavailable: {why}")?,
            }
        }
    }
    Ok(Exit::Success)
}
