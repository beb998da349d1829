//! `council close DECISION`: a decided decision's `[closed]` written into its record, and the
//! outcome into its proposals' statuses, in one change.

use std::io::Write;

use anyhow::Result;

use crate::cmd::Ctx;
use crate::cmd::edit::{self, FrontMatterEdit};
use crate::decision::{self, State};
use crate::model::record::Record;
use crate::repo::Repo;
use crate::write::Plan;
use crate::{Exit, git, refuse};

pub fn run(ctx: &Ctx, out: &mut dyn Write, name: &str, commit: bool) -> Result<Exit> {
    let (root, lock) = ctx.writing()?;
    let mut repo = Repo::load(&root)?;
    repo.read_pins();
    repo.require_valid_config()?;
    let (d, record) = decision::find_recorded(&repo, name)?;
    if let Some(c) = &record.closed {
        refuse!(
            "decision `{}` was already closed at {} ({})",
            d.name,
            c.at.to_rfc3339(),
            record.file
        );
    }
    let t = decision::count(&d, ctx.now);
    match t.state {
        State::Decided => {}
        State::Open => refuse!(
            "decision `{}` is still open: its window closes at {}{}",
            d.name,
            record.closes.to_rfc3339(),
            if t.missing.is_empty() {
                String::new()
            } else {
                format!(
                    " and {} {} not voted",
                    t.missing.join(", "),
                    if t.missing.len() == 1 { "has" } else { "have" }
                )
            }
        ),
        State::Tie => refuse!(
            "decision `{}` is tied between {}: the chair settles it with `council vote {} --casting OPTION`",
            d.name,
            t.count.winner_names().join(", "),
            d.name
        ),
        State::Inquorate => refuse!(
            "decision `{}` is inquorate: {} counted, {} needed; the chair may `council cancel {}`",
            d.name,
            crate::emit::plural(t.cast, "ballot"),
            t.required,
            d.name
        ),
        State::Blocked => {
            let list: Vec<_> = t
                .concerns
                .iter()
                .map(|(who, c)| format!("{who}: {c}"))
                .collect();
            refuse!(
                "decision `{}` is blocked by unresolved concerns ({}): resolve them and update the ballots",
                d.name,
                list.join("; ")
            )
        }
    }
    // The proposals must still be the text voted on.
    let mut writes = Vec::new();
    for o in &record.options {
        let Some(p) = repo.proposal_at(&o.file) else {
            refuse!(
                "{} (option {} of the record) is missing: a voted proposal is never renamed or deleted; restore it first",
                o.file,
                o.name()
            );
        };
        if p.file != o.file || !repo.pins(o, p) {
            refuse!(
                "{} is not the text the record pins ({}): it changed while in Voting; restore it first",
                p.file,
                o.text
            );
        }
        let Some(status) = t.outcome.get(&o.name()) else {
            continue;
        };
        let mut e = FrontMatterEdit::open(&p.file, p.source.clone())?;
        e.set("status", status.as_str());
        e.set("resolved", edit::date(ctx.now.date_naive()));
        writes.push((
            p.file.clone(),
            e.finish(),
            format!("{}: Voting -> {status}", p.file),
        ));
    }
    let committer = commit.then(|| git::Committer::prepare(&root)).transpose()?;
    let mut text = record.source.clone();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&Record::render_closed(&t.closed(ctx.now)));
    let mut plan = Plan::new();
    for (rel, text, _) in &writes {
        plan.write(rel, text.as_str());
    }
    plan.write(&record.file, edit::keep_style(&record.source, text));
    plan.validate(&repo, ctx.now, &format!("closing `{}`", d.name))?;
    plan.apply(&root, &lock)?;
    // The files are written: `--commit` runs without the lock, as it may wait for a key.
    drop(lock);
    if !ctx.quiet {
        for (_, _, line) in &writes {
            writeln!(out, "{line}")?;
        }
        writeln!(
            out,
            "closed {}: {} wins",
            record.file,
            t.winner().unwrap_or("none")
        )?;
    }
    if let Some(c) = committer {
        let short = c.commit(
            &plan.paths(&root),
            &format!("close({}): {} wins", d.name, t.winner().unwrap_or("none")),
        )?;
        if !ctx.quiet {
            writeln!(out, "committed {short}")?;
        }
    }
    Ok(Exit::Success)
}
