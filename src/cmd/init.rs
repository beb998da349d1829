//! `council init`: scaffold council.toml and a process document; never overwrites. With the
//! founding delegates named, the files are the council's founding state, ready to be the
//! import (the repository's first commit, the only one history does not check).

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::cmd::Ctx;
use crate::model::council;
use crate::write::Plan;
use crate::{Exit, git};

/// What `init` is asked for (its command-line arguments).
#[derive(Debug, clap::Args)]
pub struct Request {
    /// Directory to set up (created if missing; default: the current one)
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The council's name, written into council.toml (default: "Our Council")
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// A founding delegate: "ID NAME <EMAIL>", or "ID <EMAIL>" (the name is then the id);
    /// repeatable. With founders, the process document is written Active: the first commit
    /// adopts it
    #[arg(long = "delegate", value_name = "DELEGATE", value_parser = founder, requires = "resolution")]
    pub delegates: Vec<Founder>,
    /// The founding delegate who chairs the council: breaks ties, cancels votes (optional)
    #[arg(long, value_name = "ID", requires = "delegates")]
    pub chair: Option<String>,
    /// Where the founders agreed the process document: an http or https URL (its `resolution`)
    #[arg(long, value_name = "URL", value_parser = crate::cli::url, requires = "delegates")]
    pub resolution: Option<String>,
    /// Where the process document was discussed: an http or https URL (default: --resolution)
    #[arg(long, value_name = "URL", value_parser = crate::cli::url, requires = "resolution")]
    pub discussions_to: Option<String>,
    /// Record the founding state as the repository's first commit (the import), made by
    /// `git commit`: needs --delegate and --resolution, and a repository with no commit yet
    #[arg(long)]
    pub commit: bool,
}

/// A founding delegate, as `--delegate` gives one.
#[derive(Clone, Debug)]
pub struct Founder {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// Parses `ID NAME <EMAIL>` or `ID <EMAIL>`.
fn founder(s: &str) -> Result<Founder, String> {
    let form = "a delegate is \"ID NAME <EMAIL>\" or \"ID <EMAIL>\", e.g. \"ada Ada Lovelace <ada@example.org>\"";
    let s = s.trim();
    let (Some(open), true) = (s.rfind('<'), s.ends_with('>')) else {
        return Err(form.to_owned());
    };
    let email = s[open + 1..s.len() - 1].trim();
    crate::model::proposal::check_email(email).map_err(|e| format!("{e} ({form})"))?;
    let before = s[..open].trim();
    let (id, name) = before
        .split_once(char::is_whitespace)
        .map_or((before, ""), |(i, n)| (i, n.trim()));
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "the id `{id}` must be lower-case letters, digits and `-`: it names the delegate's ballot files ({form})"
        ));
    }
    Ok(Founder {
        id: id.to_owned(),
        name: if name.is_empty() { id } else { name }.to_owned(),
        email: email.to_owned(),
    })
}

pub fn run(ctx: &Ctx, out: &mut dyn Write, req: Request) -> Result<Exit> {
    if req.commit && req.delegates.is_empty() {
        bail!(
            "init --commit would make the repository's first commit, and the first commit is the import: the only commit council does not check, so the council's founding state must be complete in it. After it, only a delegate may change council.toml, and the process document becomes Active only through a vote, which needs delegates and a process document in force. Name the founders: --delegate \"ID NAME <EMAIL>\" for each, --chair ID if you want a chair, and --resolution URL, where you agreed the process; or leave out --commit, edit the files init writes, and commit them as it then says"
        );
    }
    if let Some(chair) = &req.chair
        && !req.delegates.iter().any(|d| &d.id == chair)
    {
        bail!(
            "--chair {chair}: the chair must be one of the founding delegates ({})",
            req.delegates
                .iter()
                .map(|d| d.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let dir = match &req.dir {
        Some(d) if d.is_absolute() => d.clone(),
        Some(d) => ctx.dir.join(d),
        None => ctx.dir.clone(),
    };
    // A folder made here and then refused is removed again (it is empty: nothing was written).
    let made = std::fs::symlink_metadata(&dir).is_err();
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let done = init_in(ctx, out, &dir, req);
    if done.is_err() && made {
        let _ = std::fs::remove_dir(&dir);
    }
    done
}

/// council.toml: the founders, or a commented example where there are none.
fn council_toml(name: &str, req: &Request) -> String {
    let q = |s: &str| toml_edit::Value::from(s).to_string().trim().to_owned();
    let mut t = format!(
        "name = {}\nprocess = 1                # the process document whose [rules] apply\n",
        q(name)
    );
    match &req.chair {
        Some(c) => {
            let _ = writeln!(
                t,
                "chair = {:<18} # the delegate who breaks ties and cancels votes",
                q(c)
            );
        }
        None => t.push_str("# chair = \"ada\"            # the delegate who breaks ties\n"),
    }
    t.push_str(
        "\n# One [[delegate]] per member of the council; ballots are votes/<decision>/<id>.toml.\n",
    );
    if req.delegates.is_empty() {
        t.push_str("# [[delegate]]\n# id = \"ada\"\n# name = \"Ada Lovelace\"\n# email = \"ada@example.org\"  # commits touching votes/*/ada.toml are authored with it\n");
    }
    for (i, d) in req.delegates.iter().enumerate() {
        if i > 0 {
            t.push('\n');
        }
        let _ = write!(
            t,
            "[[delegate]]\nid = {}\nname = {}\nemail = {}\n",
            q(&d.id),
            q(&d.name),
            q(&d.email)
        );
    }
    t
}

fn init_in(ctx: &Ctx, out: &mut dyn Write, dir: &Path, req: Request) -> Result<Exit> {
    let council_path = dir.join(council::FILE);
    let process_path = dir.join("proposals").join("0001-decision-process.md");
    let name = req.name.clone().unwrap_or_else(|| "Our Council".to_owned());
    let founded = !req.delegates.is_empty();
    let author = match git::identity(dir) {
        Ok(who) => format!("{} <{}>", who.name, who.email),
        Err(_) => "The founding members".to_owned(),
    };
    let q = |s: &str| toml_edit::Value::from(s).to_string().trim().to_owned();
    let today = ctx.now.date_naive().format("%Y-%m-%d");
    let adopted = match &req.resolution {
        Some(url) if founded => format!(
            "discussions-to = {}\nresolution = {}  # where the founders agreed it\n",
            q(req.discussions_to.as_deref().unwrap_or(url)),
            q(url)
        ),
        _ => String::new(),
    };
    let process = format!(
        r#"+++
id = 1
title = "How this council decides"
authors = [{author}]
status = "{status}"
type = "process"
created = {today}
{adopted}
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
        author = q(&author),
        status = if founded { "Active" } else { "Draft" },
    );
    let lock = crate::write::Lock::acquire(dir)?;
    let mut plan = Plan::new();
    plan.create(council::FILE, council_toml(&name, &req));
    plan.create("proposals/0001-decision-process.md", process);
    plan.validate_fresh(dir, ctx.now, "the new repository")?;
    let committer = req
        .commit
        .then(|| git::Committer::prepare_import(dir))
        .transpose()?;
    let start = git::start(dir);
    plan.apply(dir, &lock)?;
    drop(lock);
    if !ctx.quiet {
        writeln!(out, "created {}", council_path.display())?;
        writeln!(out, "created {}", process_path.display())?;
    }
    let mut committed = None;
    if let Some(c) = committer {
        // The import brings in everything governed that is there: proposals from before
        // council too, which a later commit could only add as Drafts.
        let mut paths = vec![council_path, dir.join("proposals")];
        for extra in ["decisions", "votes"] {
            if dir.join(extra).is_dir() {
                paths.push(dir.join(extra));
            }
        }
        committed = Some(c.commit(&paths, "init: council.toml and the process document")?);
    }
    if !ctx.quiet {
        out.write_all(next_steps(dir, founded, committed.as_deref(), start).as_bytes())?;
    }
    Ok(Exit::Success)
}

/// `p` as a shell word: quoted unless it is plainly safe.
fn shell_word(p: &str) -> String {
    if !p.is_empty()
        && p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@".contains(&b))
    {
        p.to_owned()
    } else {
        format!("'{}'", p.replace('\'', "'\\''"))
    }
}

/// What to do next, as commands that run (each on its own line, indented by two spaces).
fn next_steps(dir: &Path, founded: bool, committed: Option<&str>, start: git::Start) -> String {
    let mut t = String::new();
    let mut cmds = Vec::new();
    // The commands run in the new repository: from elsewhere, go there first.
    let cwd = std::env::current_dir().ok();
    let abs = match &cwd {
        Some(c) if dir.is_relative() => c.join(dir),
        _ => dir.to_path_buf(),
    };
    match cwd.as_deref().and_then(|c| abs.strip_prefix(c).ok()) {
        Some(rel) if rel.as_os_str().is_empty() => {}
        Some(rel) => cmds.push(format!("cd {}", shell_word(&rel.to_string_lossy()))),
        None => cmds.push(format!("cd {}", shell_word(&abs.to_string_lossy()))),
    }
    if let Some(id) = committed {
        let _ = writeln!(
            t,
            "committed {id}: the import, the council's founding state\nnext: write proposals, and check the history as you go:"
        );
        cmds.push("council new --title \"Our first proposal\" --commit".into());
        cmds.push("council audit".into());
    } else {
        if !founded {
            t.push_str(
                "next: the repository's first commit, the import, is the only one council does not check,\n\
                 so it must hold the council's founding state. Edit the files first:\n\
                 \x20 - council.toml: add a [[delegate]] for each member of the council (and `chair`, if you\n\
                 \x20   want one);\n\
                 \x20 - proposals/0001-decision-process.md: agree on its [rules], then set status = \"Active\"\n\
                 \x20   and add discussions-to and resolution, the URLs where you discussed and agreed it.\n\
                 \x20   Edit it by hand: only the import can bring in an Active process document (`council\n\
                 \x20   status` makes a document Active only after a vote, and a vote needs one in force).\n\
                 (`council init --delegate ... --resolution URL --commit` in a new repository does all this.)\n\
                 Then check them, make them the first commit, and check the history:\n",
            );
            cmds.push("council check".into());
        }
        match start {
            git::Start::Commits => {
                if founded {
                    t.push_str("next: commit these files, and check the history from that commit on:\n");
                }
                t.push_str(
                    "(this repository already has commits, so that commit will not be the import, the only one\n\
                     council does not check: `council audit` without --since will report it)\n",
                );
            }
            _ if founded => t.push_str(
                "next: make these files the repository's first commit, the import (the only commit council\n\
                 does not check), then check the history:\n",
            ),
            _ => {}
        }
        if start == git::Start::NoRepository {
            cmds.push("git init".into());
        }
        cmds.push("git add council.toml proposals".into());
        cmds.push("git commit -m \"init: council.toml and the process document\"".into());
        cmds.push(match start {
            git::Start::Commits => "council audit --since HEAD".into(),
            _ => "council audit".into(),
        });
    }
    for c in cmds {
        let _ = writeln!(t, "  {c}");
    }
    t
}
