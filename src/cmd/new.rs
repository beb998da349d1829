//! `council new`: a new Draft proposal with the next free id and its type's sections.

use std::io::Write;

use anyhow::Result;

use crate::cmd::Ctx;
use crate::model::proposal::{check_author, check_topic};
use crate::model::status::Type;
use crate::repo::{self, Repo};
use crate::{Exit, git, lint, refuse};

/// A one-line prompt under each section of a new proposal.
fn prompt(section: &str) -> &'static str {
    match section {
        "Abstract" => "A short summary of what this proposal does.",
        "Motivation" => "The problem it solves and for whom.",
        "Rationale" => "Why this design, and what was weighed against it.",
        "Specification" => "What exactly changes, precisely enough to implement.",
        "Backwards Compatibility" => "What breaks, and how users migrate.",
        "Security Implications" => "What an attacker could do with this, and why it is safe.",
        "Reference Implementation" => "Where the working prototype lives and how to try it.",
        "Rejected Ideas" => "Alternatives considered and why they were set aside.",
        _ => "To be written.",
    }
}

pub fn run(
    ctx: &Ctx,
    out: &mut dyn Write,
    title: &str,
    kind: &str,
    topic: Option<String>,
    authors: Vec<String>,
    commit: bool,
) -> Result<Exit> {
    let kind: Type = kind.parse().map_err(anyhow::Error::msg)?;
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 80 || title.contains('\n') {
        refuse!("a title is one line of 1 to 80 characters");
    }
    if let Some(t) = &topic {
        check_topic(t).map_err(crate::Refusal)?;
    }
    let authors = if authors.is_empty() {
        let who = git::identity(&ctx.dir);
        match (who.name, who.email) {
            (Some(n), Some(e)) => vec![format!("{n} <{e}>")],
            (Some(n), None) => vec![n],
            _ => refuse!(
                "no author: pass --author \"Name <email>\" or set git's user.name and user.email"
            ),
        }
    } else {
        authors
    };
    for a in &authors {
        check_author(a).map_err(crate::Refusal)?;
    }
    let root = ctx.root()?;
    let repo = Repo::load(&root)?;
    let id = repo.next_id()?;
    let path = root
        .join("proposals")
        .join(format!("{id:04}-{}.md", lint::slugify(title)));
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
    text.push_str("+++\n");
    for section in repo.rules().sections_for(kind) {
        text.push_str(&format!("\n## {section}\n\n{}\n", prompt(&section)));
    }
    let committer = commit.then(|| git::Committer::prepare(&root)).transpose()?;
    repo::create_new(&path, text.as_bytes())?;
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
