//! `council init`: scaffold council.toml and a process document; never overwrites.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cmd::Ctx;
use crate::model::council;
use crate::write::Plan;
use crate::{Exit, git};

pub fn run(
    ctx: &Ctx,
    out: &mut dyn Write,
    dir: Option<PathBuf>,
    name: Option<String>,
    commit: bool,
) -> Result<Exit> {
    let dir = match dir {
        Some(d) if d.is_absolute() => d,
        Some(d) => ctx.dir.join(d),
        None => ctx.dir.clone(),
    };
    // A folder made here and then refused is removed again (it is empty: nothing was written).
    let made = std::fs::symlink_metadata(&dir).is_err();
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let done = init_in(ctx, out, &dir, name, commit);
    if done.is_err() && made {
        let _ = std::fs::remove_dir(&dir);
    }
    done
}

fn init_in(
    ctx: &Ctx,
    out: &mut dyn Write,
    dir: &Path,
    name: Option<String>,
    commit: bool,
) -> Result<Exit> {
    let council_path = dir.join(council::FILE);
    let process_path = dir.join("proposals").join("0001-decision-process.md");
    let name = name.unwrap_or_else(|| "Our Council".to_owned());
    let author = match git::identity(dir) {
        Ok(who) => format!("{} <{}>", who.name, who.email),
        Err(_) => "The founding members".to_owned(),
    };
    let today = ctx.now.date_naive().format("%Y-%m-%d");
    let council_toml = format!(
        "name = {name}\nprocess = 1                # the process document whose [rules] apply\n# chair = \"ada\"            # the delegate who breaks ties\n\n# One [[delegate]] per member of the council; ballots are votes/<decision>/<id>.toml.\n# [[delegate]]\n# id = \"ada\"\n# name = \"Ada Lovelace\"\n# email = \"ada@example.org\"  # commits touching votes/*/ada.toml are authored with it\n",
        name = toml_edit::Value::from(name.as_str())
    );
    let process = format!(
        r#"+++
id = 1
title = "How this council decides"
authors = [{author}]
status = "Draft"
type = "process"
created = {today}

[rules]
method = "schulze"        # the only method for now
quorum = 0                # ballots an option needs ranking it above "none"
min-ballots = "majority"  # an integer, "majority" or "all"
voting-days = 14
close-early = true
concerns-block = true

[rules.majority]
standards = "1:1"
process = "1:1"
informational = "1:1"
+++

## Abstract

How this community reaches decisions: written proposals, a small council of delegates, and
ballots counted by the rules above.

## Motivation

Discussions that never end cost more than a decision. This document fixes how one is made.

## Specification

1. Anyone may write a proposal (`council new`); competing proposals share a `topic`.
2. Proposals are discussed in the open until the council opens a vote (`council open`).
3. Each delegate ranks the options (`council vote`); `council tally` counts them by the rules
   in this document's front matter, and `council close` records the outcome.
"#,
        author = toml_edit::Value::from(author.as_str()),
    );
    let lock = crate::write::Lock::acquire(dir)?;
    let mut plan = Plan::new();
    plan.create(council::FILE, council_toml);
    plan.create("proposals/0001-decision-process.md", process);
    plan.validate_fresh(dir, ctx.now, "the new repository")?;
    let committer = commit.then(|| git::Committer::prepare(dir)).transpose()?;
    plan.apply(dir, &lock)?;
    drop(lock);
    if !ctx.quiet {
        writeln!(out, "created {}", council_path.display())?;
        writeln!(out, "created {}", process_path.display())?;
        writeln!(
            out,
            "next: add your delegates to council.toml and agree on the process document's [rules];\n\
             then set its status to \"Active\" with `resolution` and `discussions-to` (where you agreed it)\n\
             and make that the repository's first commit: only the first commit brings files in unchecked,\n\
             and votes need an Active process document (see docs/trust.md)"
        )?;
    }
    if let Some(c) = committer {
        let id = c.commit(
            &[council_path, process_path],
            "init: council.toml and the process document",
        )?;
        if !ctx.quiet {
            writeln!(out, "committed {id}")?;
        }
    }
    Ok(Exit::Success)
}
