//! `council vote`: write (or replace) a delegate's ballot, or the chair's casting vote.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::Result;
use toml_edit::{Array, DocumentMut, value};

use crate::cli::Ctx;
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
    let Some(d) = decision::find(decision::decisions(&repo), &req.decision) else {
        refuse!(
            "no decision `{}` is open for voting (see `council list --status Voting`)",
            req.decision
        );
    };
    if !d.in_voting() {
        refuse!("decision `{}` is not in Voting", d.name);
    }
    let delegate = match &req.as_ {
        Some(id) => match repo.council.delegate(id) {
            Some(del) => del,
            None => refuse!("`{id}` is not a delegate in council.toml"),
        },
        None => {
            let who = git::identity(&root);
            let Some(email) = who.email else {
                refuse!(
                    "cannot tell who you are: set git's user.email to your delegate email, or pass --as ID"
                );
            };
            match repo.council.delegate_by_email(&email) {
                Some(del) => del,
                None => refuse!(
                    "{email} (git's user.email) is not the email of any delegate in council.toml; pass --as ID to vote as a delegate"
                ),
            }
        }
    };
    let dir = root.join("votes").join(&d.name);
    let options = d.options();

    if let Some(choice) = &req.casting {
        if repo.council.chair.as_ref().map(|c| c.value.as_str()) != Some(delegate.id.as_str()) {
            refuse!(
                "only the chair casts the deciding vote, and `{}` is not the chair",
                delegate.id
            );
        }
        let t = decision::tally(&repo, &d, ctx.now);
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
            &root,
            &path,
            &format!("casting({}): {}", d.name, delegate.id),
            req.commit,
        )?;
        return Ok(Exit::Success);
    }

    if let Some(opens) = d.opens
        && ctx.now < opens
    {
        refuse!("voting on `{}` opens at {}", d.name, opens.to_rfc3339());
    }
    if let Some(closes) = d.closes
        && ctx.now >= closes
    {
        refuse!(
            "voting on `{}` closed at {}: ballots can no longer be cast or changed",
            d.name,
            closes.to_rfc3339()
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
        &root,
        &path,
        &format!("vote({}): {}", d.name, delegate.id),
        req.commit,
    )?;
    Ok(Exit::Success)
}

/// `7` and `0007` both name proposal 7; `none` stays.
fn normalize(name: &str) -> String {
    match name.trim().parse::<u32>() {
        Ok(n) => format!("{n:04}"),
        Err(_) => name.trim().to_owned(),
    }
}

fn finish(
    ctx: &Ctx,
    out: &mut dyn Write,
    root: &std::path::Path,
    path: &std::path::Path,
    message: &str,
    commit: bool,
) -> Result<()> {
    if commit {
        let short = git::commit_files(root, &[path.to_path_buf()], message)?;
        if !ctx.quiet {
            writeln!(out, "committed {short}")?;
        }
    }
    Ok(())
}
