//! `council close DECISION`: write a decided decision's outcome into its proposals.

use std::io::Write;

use anyhow::Result;

use crate::cli::Ctx;
use crate::cmd::edit::{self, FrontMatterEdit};
use crate::decision::{self, State};
use crate::repo::{self, Repo};
use crate::{Exit, git, refuse};

pub fn run(ctx: &Ctx, out: &mut dyn Write, name: &str, commit: bool) -> Result<Exit> {
    let root = ctx.root()?;
    let repo = Repo::load(&root)?;
    let Some(d) = decision::find(decision::decisions(&repo), name) else {
        refuse!("no decision `{name}` is in Voting");
    };
    if !d.in_voting() {
        refuse!("decision `{}` is not in Voting: nothing to close", d.name);
    }
    let t = decision::tally(&repo, &d, ctx.now);
    match t.state {
        State::Decided => {}
        State::Open => refuse!(
            "decision `{}` is still open: its window closes at {}{}",
            d.name,
            t.closes.map_or("?".into(), |c| c.to_rfc3339()),
            if t.missing.is_empty() {
                String::new()
            } else {
                format!(" and {} not voted", t.missing.join(", "))
            }
        ),
        State::Tie => refuse!(
            "decision `{}` is tied between {}: the chair settles it with `council vote {} --casting OPTION`",
            d.name,
            t.count.winner_names().join(", "),
            d.name
        ),
        State::Inquorate => refuse!(
            "decision `{}` is inquorate: {} ballots counted, {} needed",
            d.name,
            t.cast,
            t.required
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
    let mut writes = Vec::new();
    for p in &d.proposals {
        let Some(opt) = p.option() else { continue };
        let Some(status) = t.outcome.get(&opt) else {
            continue;
        };
        let mut e = FrontMatterEdit::open(&p.file, p.source.clone())?;
        e.set("status", status.as_str());
        e.set("resolved", edit::date(ctx.now.date_naive()));
        writes.push((
            root.join(&p.file),
            e.finish(),
            format!("{}: Voting -> {status}", p.file),
        ));
    }
    for (path, text, _) in &writes {
        repo::write_atomic(path, text.as_bytes())?;
    }
    if !ctx.quiet {
        for (_, _, line) in &writes {
            writeln!(out, "{line}")?;
        }
    }
    if commit {
        let paths: Vec<_> = writes.into_iter().map(|(p, _, _)| p).collect();
        let short = git::commit_files(
            &root,
            &paths,
            &format!("close({}): {} wins", d.name, t.winner().unwrap_or("none")),
        )?;
        if !ctx.quiet {
            writeln!(out, "committed {short}")?;
        }
    }
    Ok(Exit::Success)
}
