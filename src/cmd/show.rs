//! `council show`: one proposal, its decision and its ballots.

use std::io::Write;

use anyhow::Result;

use crate::Exit;
use crate::cli::{Ctx, TextFormat};
use crate::decision;
use crate::repo::Repo;

pub fn run(ctx: &Ctx, out: &mut dyn Write, id: &str, format: TextFormat) -> Result<Exit> {
    let repo = Repo::load(&ctx.root()?)?;
    let p = repo.find_proposal(id)?;
    let name = p.decision();
    let found = name
        .as_deref()
        .and_then(|n| decision::find(decision::decisions(&repo), n));
    let tally = found
        .as_ref()
        .filter(|d| !d.proposals.is_empty())
        .map(|d| decision::tally(&repo, d, ctx.now));
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
                        "ranking": ballot.and_then(|x| x.ranking.as_ref()).map(|r| r.value.iter().map(|g| g.iter().map(|o| o.value.clone()).collect::<Vec<_>>().join(" = ")).collect::<Vec<_>>()),
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
    match format {
        TextFormat::Json => {
            let mut v = crate::cmd::list::json(p);
            if let serde_json::Value::Object(m) = &mut v {
                m.insert(
                    "decision".into(),
                    serde_json::json!({
                        "name": name,
                        "state": tally.as_ref().map(|t| t.state.as_str()),
                        "options": found.as_ref().map(|d| d.options()),
                        "ballots": ballots,
                    }),
                );
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
            for (label, v) in [
                ("voting-opens", &p.voting_opens),
                ("voting-closes", &p.voting_closes),
            ] {
                if let Some(v) = v {
                    writeln!(out, "  {:16}{}", format!("{label}:"), v.value.to_rfc3339())?;
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
                    (Some(d), Some(t)) => writeln!(
                        out,
                        ": {} (options {})",
                        t.state.as_str(),
                        d.options().join(", ")
                    )?,
                    _ => writeln!(out, ": not opened for voting")?,
                }
                if let Some(d) = &found {
                    for b in &d.ballots {
                        let text = b.ballot.as_ref().map_or("(malformed)".to_owned(), |x| {
                            if x.recuse {
                                "recused".to_owned()
                            } else if let Some(r) = &x.ranking {
                                r.value
                                    .iter()
                                    .map(|g| {
                                        g.iter()
                                            .map(|o| o.value.as_str())
                                            .collect::<Vec<_>>()
                                            .join(" = ")
                                    })
                                    .collect::<Vec<_>>()
                                    .join(" > ")
                            } else {
                                x.vote
                                    .as_ref()
                                    .map_or("abstain", |v| v.value.as_str())
                                    .to_owned()
                            }
                        });
                        writeln!(out, "  {:12} {text}", b.delegate)?;
                    }
                }
                if let Some(t) = &tally
                    && !t.missing.is_empty()
                {
                    writeln!(out, "  not voted:   {}", t.missing.join(", "))?;
                }
            }
        }
    }
    Ok(Exit::Success)
}
