//! `council new`: a new Draft proposal with the next free id and its type's sections.

use std::io::Write;

use anyhow::{Result, bail};

use crate::cmd::Ctx;
use crate::model::proposal::{check_author, check_topic};
use crate::model::status::Type;
use crate::repo::Repo;
use crate::write::Plan;
use crate::{Exit, git, lint, refuse};

/// What `new` is asked to write.
/// What `new` is asked for (its command-line arguments).
#[derive(Debug, clap::Args)]
pub struct Request {
    /// The title: one line of 1 to 80 characters; the file name's slug is made from it
    #[arg(long, value_name = "TITLE")]
    pub title: String,
    /// The proposal's type, which decides its sections and majority
    #[arg(long = "type", value_name = "TYPE", default_value = "standards", value_parser = crate::cli::types())]
    pub kind: Type,
    /// The topic it competes on: lower-case letters, digits and `-`, not all digits
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// An author: `Name` or `Name <email>` (repeatable; default: git's author identity)
    #[arg(long = "author", value_name = "AUTHOR")]
    pub authors: Vec<String>,
    /// Where the proposal is discussed: an http or https URL
    #[arg(long, value_name = "URL", value_parser = crate::cli::url)]
    pub discussions_to: Option<String>,
    /// Record the new file as a git commit, made by `git commit`
    #[arg(long)]
    pub commit: bool,
}

/// The next free id: above every id a proposal's front matter holds, every `NNNN-` a file name
/// in `proposals/` starts with (a proposal whose front matter does not parse keeps its id), and
/// every option a decision record names.
pub fn next_id(repo: &Repo) -> Result<u32> {
    let mut top = repo.proposals.iter().filter_map(|p| p.id_value()).max();
    let names = crate::repo::Files::list(&crate::repo::Disk::new(&repo.root), "proposals")?;
    for (name, _) in names {
        let digits: String = name.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && name[digits.len()..].starts_with('-') {
            // An id too large for a u32 is still taken: no id after it is free.
            let n = digits.parse::<u32>().unwrap_or(u32::MAX);
            top = top.max(Some(n));
        }
    }
    let recorded = repo
        .records
        .iter()
        .flat_map(|r| r.options.iter().map(|o| o.id));
    top = top.max(recorded.max());
    match top {
        None => Ok(1),
        Some(n) => n.checked_add(1).ok_or_else(|| {
            crate::Refusal(format!(
                "no id is left: proposals/ already uses id {n}, the largest council accepts"
            ))
            .into()
        }),
    }
}

pub fn run(ctx: &Ctx, out: &mut dyn Write, req: Request) -> Result<Exit> {
    let Request {
        title,
        kind,
        topic,
        authors,
        discussions_to,
        commit,
    } = req;
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 80 || title.contains('\n') {
        bail!("--title: a title is one line of 1 to 80 characters");
    }
    if let Some(t) = &topic {
        check_topic(t).map_err(|e| anyhow::anyhow!("--topic {t}: {e}"))?;
    }
    let authors = if authors.is_empty() {
        match git::identity(&ctx.dir) {
            Ok(who) => vec![format!("{} <{}>", who.name, who.email)],
            Err(e) => bail!(
                "no author: {e}; pass --author \"Name <email>\" or set git's user.name and user.email"
            ),
        }
    } else {
        authors
    };
    for a in &authors {
        check_author(a).map_err(|e| anyhow::anyhow!("--author {a}: {e}"))?;
    }
    let (root, lock) = ctx.writing()?;
    let repo = Repo::load(&root)?;
    if let Some(t) = &topic
        && let Some(r) = repo.record(t).filter(|r| r.is_closed())
    {
        refuse!(
            "topic `{t}` was decided ({}): a closed decision's name is not reused; give the new proposal a new topic (for example `{t}-2`)",
            r.file
        );
    }
    let id = next_id(&repo)?;
    let rel = format!("proposals/{id:04}-{}.md", lint::slugify(title));
    let path = root.join(&rel);
    let quote = |s: &str| toml_edit::Value::from(s).to_string().trim().to_owned();
    let mut text = String::from("+++\n");
    text.push_str(&format!("id = {id}\n"));
    text.push_str(&format!("title = {}\n", quote(title)));
    let list: Vec<String> = authors.iter().map(|a| quote(a)).collect();
    text.push_str(&format!("authors = [{}]\n", list.join(", ")));
    text.push_str("status = \"Draft\"\n");
    text.push_str(&format!("type = \"{kind}\"\n"));
    if let Some(t) = &topic {
        text.push_str(&format!("topic = {}\n", quote(t)));
    }
    text.push_str(&format!(
        "created = {}\n",
        ctx.now.date_naive().format("%Y-%m-%d")
    ));
    if let Some(url) = &discussions_to {
        text.push_str(&format!("discussions-to = {}\n", quote(url)));
    }
    text.push_str("+++\n");
    for section in repo.rules().sections_for(kind) {
        text.push_str(&format!(
            "\n## {section}\n\n{}\n",
            lint::placeholder(&section)
        ));
    }
    let mut plan = Plan::new();
    plan.create(&rel, text);
    plan.validate(&repo, ctx.now, &format!("the new proposal {rel}"))?;
    let committer = commit.then(|| git::Committer::prepare(&root)).transpose()?;
    plan.apply(&root, &lock)?;
    drop(lock);
    // The path as the user can type it: relative to where they are, when it is below.
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| cwd.canonicalize().ok())
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.to_path_buf()))
        .unwrap_or_else(|| path.clone());
    writeln!(out, "{}", shown.display())?;
    if let Some(c) = committer {
        let short = c.commit(
            std::slice::from_ref(&path),
            &format!("new({id:04}): {title}"),
        )?;
        if !ctx.quiet {
            writeln!(out, "committed {short}")?;
        }
    }
    Ok(Exit::Success)
}
