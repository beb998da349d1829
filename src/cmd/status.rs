//! `council status ID NEW`: a checked transition, edited in place.

use std::io::Write;

use anyhow::Result;

use crate::cmd::Ctx;
use crate::cmd::edit::FrontMatterEdit;
use crate::model::status::Status;
use crate::repo::Repo;
use crate::write::Plan;
use crate::{Exit, git, refuse};

/// What `status` is asked to do.
#[derive(Debug, clap::Args)]
pub struct Request {
    /// The proposal's id: 7 or 0007
    #[arg(value_name = "ID")]
    pub id: String,
    /// The new status, as the files write it (a vote moves to Voting with `open`, out of it with `close` or `cancel`)
    #[arg(value_name = "STATUS", value_parser = crate::cli::statuses())]
    pub new: Status,
    /// Where the decision was made (a URL): needed by Accepted, Rejected or Active without votes
    #[arg(long, value_name = "URL", value_parser = crate::cli::url)]
    pub resolution: Option<String>,
    /// The proposal that supersedes this one (with Superseded); its `replaces` gains this id
    #[arg(long, value_name = "ID")]
    pub superseded_by: Option<String>,
    /// Where the proposal is discussed (a URL): needed from Discussion on
    #[arg(long, value_name = "URL", value_parser = crate::cli::url)]
    pub discussions_to: Option<String>,
    /// Record the change as a git commit, made by `git commit`
    #[arg(long)]
    pub commit: bool,
}

/// "a" or "an" before `word`.
pub fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

pub fn run(ctx: &Ctx, out: &mut dyn Write, req: Request) -> Result<Exit> {
    let new = req.new;
    let (root, lock) = ctx.writing()?;
    let repo = Repo::load(&root)?;
    let p = repo.find_proposal(&req.id)?;
    let (Some(from), Some(kind), Some(id)) = (
        p.status_value(),
        p.kind.as_ref().map(|k| k.value),
        p.id_value(),
    ) else {
        refuse!(
            "{} has no valid `id`, `status` and `type`: fix it first (council check {})",
            p.file,
            p.file
        );
    };
    if from == new {
        refuse!("{} is already {new}", p.file);
    }
    let decision = p.decision().unwrap_or_default();
    if new == Status::Voting {
        refuse!(
            "voting opens with `council open {decision}`, which also writes the decision record"
        );
    }
    if from == Status::Voting {
        let name = repo
            .open_record_of(id)
            .map_or(decision.clone(), |r| r.decision.clone());
        refuse!(
            "{} is being voted on: its outcome is written by `council close {name}`, from the count; `council cancel {name}` stops the vote",
            p.file
        );
    }
    if !from.can_move_to(new, kind) {
        let allowed: Vec<_> = from.successors(kind).iter().map(|s| s.as_str()).collect();
        if allowed.is_empty() {
            refuse!(
                "{from} is final: {} {from} proposal cannot change status",
                article(from.as_str())
            );
        }
        refuse!(
            "{from} cannot move to {new}; from {from} {} {kind} proposal may go to {}",
            article(kind.as_str()),
            allowed.join(", ")
        );
    }
    let mut plan = Plan::new();
    let mut edit = FrontMatterEdit::open(&p.file, p.source.clone())?;
    // (Accepted and Rejected come only out of Voting, refused above: `close` writes them and
    // their `resolved`.)
    edit.set("status", new.as_str());
    if let Some(url) = &req.resolution {
        edit.set("resolution", url.as_str());
    }
    if let Some(url) = &req.discussions_to {
        edit.set("discussions-to", url.as_str());
    }
    let mut successor_file = None;
    match (&req.superseded_by, new) {
        (Some(_), s) if s != Status::Superseded => {
            anyhow::bail!("--superseded-by goes with the status Superseded, not {new}")
        }
        (Some(by), _) => {
            let b = repo.find_proposal(by)?;
            let Some(bid) = b.id_value() else {
                refuse!("{} has no valid id: fix it first", b.file);
            };
            if bid == id {
                anyhow::bail!("{} cannot be superseded by itself", p.file);
            }
            edit.set("superseded-by", i64::from(bid));
            let mut e = FrontMatterEdit::open(&b.file, b.source.clone())?;
            e.add_to_array("replaces", i64::from(id))
                .map_err(|e| anyhow::anyhow!("{}: {e}", b.file))?;
            plan.write(&b.file, e.finish());
            successor_file = Some(b.file.clone());
        }
        (None, Status::Superseded) if p.superseded_by.is_none() => anyhow::bail!(
            "a Superseded proposal names its successor: pass --superseded-by ID (that proposal's `replaces` then lists {id})"
        ),
        _ => {}
    }
    plan.write(&p.file, edit.finish());
    plan.validate(
        &repo,
        ctx.now,
        &format!("moving {} to {new} would leave it invalid", p.file),
    )?;
    let committer = req
        .commit
        .then(|| git::Committer::prepare(&root))
        .transpose()?;
    plan.apply(&root, &lock)?;
    // The files are written: `--commit` runs without the lock, as it may wait for a key.
    drop(lock);
    if !ctx.quiet {
        writeln!(out, "{}: {from} -> {new}", p.file)?;
        if let Some(f) = &successor_file {
            writeln!(out, "{f}: `replaces` lists {id}")?;
        }
    }
    if let Some(c) = committer {
        let short = c.commit(
            &plan.paths(&root),
            &format!(
                "status({}): {from} -> {new}",
                p.option().unwrap_or_default()
            ),
        )?;
        if !ctx.quiet {
            writeln!(out, "committed {short}")?;
        }
    }
    Ok(Exit::Success)
}
