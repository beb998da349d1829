//! `council vote`: write (or replace) a delegate's ballot, or the chair's casting vote.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::Result;
use toml_edit::{Array, DocumentMut, value};

use crate::cmd::Ctx;
use crate::cmd::edit;
use crate::decision::{self, State};
use crate::model::ballot::{parse_rank_expr, split_group};
use crate::repo::{self, Repo};
use crate::{Exit, git, refuse};

#[derive(Debug, Default)]
pub struct Request {
    pub decision: String,
    pub choice: Option<String>,
    pub rank: Option<String>,
    pub recuse: bool,
    pub as_: Option<String>,
    pub comment: Option<String>,
    pub concerns: Vec<String>,
    pub casting: Option<String>,
    pub commit: bool,
}

pub fn run(ctx: &Ctx, out: &mut dyn Write, req: Request) -> Result<Exit> {
    let root = ctx.root()?;
    let repo = Repo::load(&root)?;
    repo.require_valid_config()?;
    let d = decision::find_recorded(&repo, &req.decision)?;
    let record = d.record.expect("a recorded decision");
    if record.is_closed() {
        refuse!(
            "decision `{}` is closed ({}): ballots can no longer be cast or changed",
            d.name,
            record.file
        );
    }
    let delegate = crate::cmd::acting(&root, &repo.council, req.as_.as_deref())?;
    let Some(elector) = record.elector(&delegate.id) else {
        refuse!(
            "{} is not an elector of decision `{}`: {} names the delegates whose term covered its opening ({})",
            delegate.id,
            d.name,
            record.file,
            record
                .electors
                .iter()
                .map(|e| e.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    let committer = if req.commit {
        let c = git::Committer::prepare(&root)?;
        crate::cmd::commit_as(
            &c,
            &elector.id,
            &elector.email,
            elector.key.as_deref(),
            &format!("{}'s ballot", elector.id),
        )?;
        Some(c)
    } else {
        None
    };
    let dir = root.join("votes").join(&d.name);
    let options = d.options();

    if let Some(choice) = &req.casting {
        if record.chair.as_deref() != Some(delegate.id.as_str()) {
            refuse!(
                "only the chair named in {} casts the deciding vote, and `{}` is not that chair",
                record.file,
                delegate.id
            );
        }
        let t = decision::count(&d, ctx.now);
        let tied = t.count.winner_names();
        if t.state != State::Tie {
            refuse!(
                "decision `{}` is {}, not tied: a casting vote only settles a tie",
                d.name,
                t.state.as_str()
            );
        }
        let choice = normalize(choice);
        if !tied.contains(&choice) {
            refuse!(
                "`{choice}` is not among the tied options ({})",
                tied.join(", ")
            );
        }
        let mut doc = DocumentMut::new();
        doc["winner"] = value(choice.as_str());
        doc["cast"] = toml_edit::Item::Value(edit::datetime(ctx.now));
        let path = dir.join("casting.toml");
        repo::write_atomic(&path, doc.to_string().as_bytes())?;
        finish(
            ctx,
            out,
            committer,
            &path,
            &format!("casting({}): {}", d.name, delegate.id),
        )?;
        return Ok(Exit::Success);
    }

    if ctx.now < record.opened {
        refuse!(
            "voting on `{}` opens at {}",
            d.name,
            record.opened.to_rfc3339()
        );
    }
    if ctx.now >= record.closes {
        refuse!(
            "voting on `{}` closed at {}: ballots can no longer be cast or changed",
            d.name,
            record.closes.to_rfc3339()
        );
    }
    let mut doc = DocumentMut::new();
    if req.recuse {
        doc["recuse"] = value(true);
    } else if let Some(expr) = &req.rank {
        let entries = parse_rank_expr(expr).map_err(crate::Refusal)?;
        let mut seen = BTreeSet::new();
        let mut ranking = Array::new();
        for entry in entries {
            let names: Vec<String> = split_group(&entry).into_iter().map(normalize).collect();
            for n in &names {
                if !options.contains(n) {
                    refuse!(
                        "`{n}` is not an option of decision `{}`: the options are {}",
                        d.name,
                        options.join(", ")
                    );
                }
                if !seen.insert(n.clone()) {
                    refuse!("`{n}` is ranked twice");
                }
            }
            ranking.push(names.join(" = "));
        }
        doc["ranking"] = value(ranking);
    } else if let Some(choice) = &req.choice {
        if d.single().is_none() {
            refuse!(
                "`{choice}` is for a one-proposal decision; `{}` has options {}: use --rank \"A > B > none\"",
                d.name,
                options.join(", ")
            );
        }
        doc["vote"] = value(choice.as_str());
    }
    if let Some(c) = &req.comment {
        doc["comment"] = value(c.as_str());
    }
    if !req.concerns.is_empty() {
        let mut a = Array::new();
        for c in &req.concerns {
            a.push(c.as_str());
        }
        doc["concerns"] = value(a);
    }
    doc["cast"] = toml_edit::Item::Value(edit::datetime(ctx.now));
    let path = dir.join(format!("{}.toml", delegate.id));
    let replaced = path.exists();
    repo::write_atomic(&path, doc.to_string().as_bytes())?;
    if !ctx.quiet {
        let verb = if replaced { "replaced" } else { "wrote" };
        writeln!(out, "{verb} {}", repo::relative(&root, &path))?;
    }
    finish(
        ctx,
        out,
        committer,
        &path,
        &format!("vote({}): {}", d.name, delegate.id),
    )?;
    Ok(Exit::Success)
}

/// `7` and `0007` both name proposal 7; `none` stays.
fn normalize(name: &str) -> String {
    decision::normalize(name)
}

fn finish(
    ctx: &Ctx,
    out: &mut dyn Write,
    committer: Option<git::Committer>,
    path: &std::path::Path,
    message: &str,
) -> Result<()> {
    if let Some(c) = committer {
        let short = c.commit(&[path.to_path_buf()], message)?;
        if !ctx.quiet {
            writeln!(out, "committed {short}")?;
        }
    }
    Ok(())
}
