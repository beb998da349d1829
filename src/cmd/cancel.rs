//! `council cancel DECISION`: the chair stops a running vote. Its proposals go back to
//! Discussion; its record and ballots are removed, in one change.

use std::io::Write;

use anyhow::{Context, Result};

use crate::cmd::Ctx;
use crate::cmd::edit::FrontMatterEdit;
use crate::decision;
use crate::model::status::Status;
use crate::repo::{self, Repo};
use crate::{Exit, git, refuse};

pub fn run(
    ctx: &Ctx,
    out: &mut dyn Write,
    name: &str,
    as_: Option<&str>,
    commit: bool,
) -> Result<Exit> {
    let root = ctx.root()?;
    let repo = Repo::load(&root)?;
    repo.require_valid_council()?;
    let d = decision::find_recorded(&repo, name)?;
    let record = d.record.expect("a recorded decision");
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
        writes.push((root.join(&p.file), e.finish(), p.file.clone()));
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
    for (path, text, _) in &writes {
        repo::write_atomic(path, text.as_bytes())?;
    }
    let mut removed = Vec::new();
    for b in &d.ballots {
        removed.push(root.join(&b.file));
    }
    if let Some(c) = d.casting {
        removed.push(root.join(&c.file));
    }
    removed.push(root.join(&record.file));
    for path in &removed {
        std::fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    let _ = std::fs::remove_dir(root.join("votes").join(&d.name));
    if !ctx.quiet {
        for (_, _, file) in &writes {
            writeln!(out, "{file}: Voting -> Discussion")?;
        }
        writeln!(
            out,
            "cancelled `{}`: removed {} and {}",
            d.name,
            record.file,
            crate::emit::plural(removed.len() - 1, "ballot file")
        )?;
    }
    if let Some(c) = committer {
        let mut paths: Vec<_> = writes.into_iter().map(|(p, _, _)| p).collect();
        paths.extend(removed);
        let short = c.commit(&paths, &format!("cancel({}): back to Discussion", d.name))?;
        if !ctx.quiet {
            writeln!(out, "committed {short}")?;
        }
    }
    Ok(Exit::Success)
}
