//! `council open DECISION`: Discussion to Voting, with the window written into each proposal.

use std::io::Write;

use anyhow::{Result, anyhow};
use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::cli::Ctx;
use crate::cmd::edit::{self, FrontMatterEdit};
use crate::model::status::Status;
use crate::repo::{self, Repo};
use crate::{Exit, git, refuse};

/// `--closes`: an RFC 3339 time, or a date (the window then closes at the end of that day, UTC).
pub fn parse_when(s: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let next = d
            .succ_opt()
            .ok_or_else(|| anyhow!("`{s}` is out of range"))?;
        return Ok(next
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc());
    }
    Err(anyhow!(
        "`{s}` is neither an RFC 3339 time (2026-12-15T00:00:00Z) nor a date (2026-12-15)"
    ))
}

pub fn run(
    ctx: &Ctx,
    out: &mut dyn Write,
    decision: &str,
    days: Option<u32>,
    closes: Option<String>,
    commit: bool,
) -> Result<Exit> {
    let root = ctx.root()?;
    let repo = Repo::load(&root)?;
    let name = match decision.parse::<u32>() {
        Ok(n) => format!("{n:04}"),
        Err(_) => decision.to_owned(),
    };
    let members: Vec<_> = repo
        .proposals
        .iter()
        .filter(|p| p.decision().as_deref() == Some(name.as_str()))
        .collect();
    if members.is_empty() {
        refuse!(
            "no proposal belongs to decision `{name}` (a decision is a topic, or the id of a proposal without one)"
        );
    }
    let ready: Vec<_> = members
        .iter()
        .filter(|p| {
            p.status
                .as_ref()
                .is_some_and(|s| s.value == Status::Discussion)
        })
        .collect();
    if ready.is_empty() {
        let list: Vec<_> = members
            .iter()
            .map(|p| {
                format!(
                    "{} is {}",
                    p.option().unwrap_or_default(),
                    p.status
                        .as_ref()
                        .map_or("?".into(), |s| s.value.to_string())
                )
            })
            .collect();
        refuse!(
            "no proposal of decision `{name}` is in Discussion ({}): only proposals in Discussion go to Voting",
            list.join(", ")
        );
    }
    if let Some(v) = members
        .iter()
        .find(|p| p.status.as_ref().is_some_and(|s| s.value == Status::Voting))
    {
        refuse!(
            "decision `{name}` is already being voted on ({} is in Voting)",
            v.file
        );
    }
    let opens = chrono::Timelike::with_nanosecond(&ctx.now, 0).unwrap_or(ctx.now);
    let closes = match (days, closes) {
        (_, Some(c)) => parse_when(&c)?,
        (Some(d), None) => opens + Duration::days(i64::from(d)),
        (None, None) => opens + Duration::days(i64::from(repo.rules().voting_days)),
    };
    if closes <= opens {
        refuse!(
            "the window would close at {} which is not after now ({})",
            closes.to_rfc3339(),
            opens.to_rfc3339()
        );
    }
    let mut writes = Vec::new();
    for p in &ready {
        let mut e = FrontMatterEdit::open(&p.file, p.source.clone())?;
        e.set("status", "Voting");
        e.set("voting-opens", edit::datetime(opens));
        e.set("voting-closes", edit::datetime(closes));
        e.remove("resolved");
        writes.push((root.join(&p.file), e.finish()));
    }
    for (path, text) in &writes {
        repo::write_atomic(path, text.as_bytes())?;
    }
    if !ctx.quiet {
        for p in &ready {
            writeln!(out, "{}: Discussion -> Voting", p.file)?;
        }
        writeln!(
            out,
            "voting on `{name}` is open until {}",
            closes.to_rfc3339()
        )?;
    }
    if commit {
        let paths: Vec<_> = writes.into_iter().map(|(p, _)| p).collect();
        let short = git::commit_files(
            &root,
            &paths,
            &format!("open({name}): voting until {}", closes.format("%Y-%m-%d")),
        )?;
        if !ctx.quiet {
            writeln!(out, "committed {short}")?;
        }
    }
    Ok(Exit::Success)
}
