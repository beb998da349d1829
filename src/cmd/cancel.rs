//! `council cancel DECISION`: the chair stops a running vote. Its proposals go back to
//! Discussion; its record and ballots are removed, in one change.

use std::io::Write;

use anyhow::Result;

use crate::cmd::Ctx;
use crate::cmd::edit::FrontMatterEdit;
use crate::decision;
use crate::model::status::Status;
use crate::repo::Repo;
use crate::write::Plan;
use crate::{Exit, git, refuse};

pub fn run(
    ctx: &Ctx,
    out: &mut dyn Write,
    name: &str,
    as_: Option<&str>,
    commit: bool,
) -> Result<Exit> {
    let (root, lock) = ctx.writing()?;
    let repo = Repo::load(&root)?;
    repo.require_valid_council()?;
    let (d, record) = decision::find_recorded(&repo, name)?;
    if record.is_closed() {
        refuse!(
            "decision `{}` is closed: a decided vote cannot be cancelled ({})",
            d.name,
            record.file
        );
    }
    let who = crate::cmd::acting(&root, &repo.council, as_)?;
    if who.id != record.canceller() {
        refuse!(
            "only {} ({} in {}) may cancel this vote, and you act as {}",
            record.canceller(),
            if record.chair.is_some() {
                "the chair"
            } else {
                "its opener, as it has no chair"
            },
            record.file,
            who.id
        );
    }
    let mut writes = Vec::new();
    for p in &d.proposals {
        if p.status_value() != Some(Status::Voting) {
            continue;
        }
        let mut e = FrontMatterEdit::open(&p.file, p.source.clone())?;
        e.set("status", Status::Discussion.as_str());
        writes.push((p.file.clone(), e.finish()));
    }
    let committer = commit.then(|| git::Committer::prepare(&root)).transpose()?;
    if let Some(c) = &committer {
        // The identity the record holds for its chair, as history judges it.
        let (email, key) = record
            .elector(&who.id)
            .map_or((who.email.as_str(), who.key.as_deref()), |e| {
                (e.email.as_str(), e.key.as_deref())
            });
        crate::cmd::commit_as(
            c,
            &who.id,
            email,
            key,
            &format!("the cancelling of `{}`", d.name),
        )?;
    }
    let mut plan = Plan::new();
    for (rel, text) in &writes {
        plan.write(rel, text.as_str());
    }
    let mut removed = 0;
    for b in &d.ballots {
        plan.remove(&b.file);
        removed += 1;
    }
    if let Some(c) = d.casting {
        plan.remove(&c.file);
        removed += 1;
    }
    // The record goes last: until then the ballots still have their decision.
    plan.remove(&record.file);
    plan.validate(&repo, ctx.now, &format!("cancelling `{}`", d.name))?;
    plan.apply(&root, &lock)?;
    // The files are written: `--commit` runs without the lock, as it may wait for a key.
    drop(lock);
    if !ctx.quiet {
        for (file, _) in &writes {
            writeln!(out, "{file}: Voting -> Discussion")?;
        }
        writeln!(
            out,
            "cancelled `{}`: removed {} and {}",
            d.name,
            record.file,
            crate::emit::plural(removed, "ballot file")
        )?;
    }
    if let Some(c) = committer {
        let short = c.commit(
            &plan.paths(&root),
            &format!("cancel({}): back to Discussion", d.name),
        )?;
        if !ctx.quiet {
            writeln!(out, "committed {short}")?;
        }
    }
    Ok(Exit::Success)
}
