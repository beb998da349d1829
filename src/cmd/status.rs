//! `council status ID NEW`: a checked transition, edited in place.

use std::io::Write;

use anyhow::Result;

use crate::cmd::Ctx;
use crate::cmd::edit::FrontMatterEdit;
use crate::diag::Severity;
use crate::model::status::Status;
use crate::repo::{self, Repo};
use crate::{Exit, git, lint, refuse};

pub fn run(ctx: &Ctx, out: &mut dyn Write, id: &str, new: &str, commit: bool) -> Result<Exit> {
    let new: Status = new.parse().map_err(crate::Refusal)?;
    let root = ctx.root()?;
    let repo = Repo::load(&root)?;
    let p = repo.find_proposal(id)?;
    let (Some(from), Some(kind)) = (p.status_value(), p.kind.as_ref().map(|k| k.value)) else {
        refuse!(
            "{} has no valid `status` and `type`: fix it first (council check {})",
            p.file,
            p.file
        );
    };
    if from == new {
        refuse!("{} is already {new}", p.file);
    }
    if !from.can_move_to(new, kind) {
        let allowed: Vec<_> = from.successors(kind).iter().map(|s| s.as_str()).collect();
        if allowed.is_empty() {
            refuse!("{from} is final: a {from} proposal cannot change status");
        }
        refuse!(
            "{from} cannot move to {new}; from {from} a {kind} proposal may go to {}",
            allowed.join(", ")
        );
    }
    let decision = p.decision().unwrap_or_default();
    if new == Status::Voting {
        refuse!(
            "voting opens with `council open {decision}`, which also writes the decision record"
        );
    }
    if from == Status::Voting {
        let name =
            p.id.as_ref()
                .and_then(|id| repo.open_record_of(id.value))
                .map_or(decision.clone(), |r| r.decision.clone());
        refuse!(
            "{} is being voted on: its outcome is written by `council close {name}`, from the count; `council cancel {name}` stops the vote",
            p.file
        );
    }
    let mut edit = FrontMatterEdit::open(&p.file, p.source.clone())?;
    edit.set("status", new.as_str());
    if matches!(new, Status::Accepted | Status::Rejected) {
        edit.set("resolved", crate::cmd::edit::date(ctx.now.date_naive()));
    }
    let text = edit.finish();
    let (levels, _) = lint::levels(&repo.council, &[]).map_err(anyhow::Error::msg)?;
    let problems: Vec<_> =
        lint::apply_levels(lint::check_one(&repo, &p.file, text.clone()), &levels)
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
    if !problems.is_empty() {
        let list: Vec<_> = problems
            .iter()
            .map(|d| format!("  {}:{}: {} [{}]", d.file, d.line, d.message, d.rule))
            .collect();
        refuse!(
            "moving {} to {new} would leave it invalid:\n{}",
            p.file,
            list.join("\n")
        );
    }
    let committer = commit.then(|| git::Committer::prepare(&root)).transpose()?;
    let path = root.join(&p.file);
    repo::write_atomic(&path, text.as_bytes())?;
    if !ctx.quiet {
        writeln!(out, "{}: {from} -> {new}", p.file)?;
    }
    if let Some(c) = committer {
        let short = c.commit(
            &[path],
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
