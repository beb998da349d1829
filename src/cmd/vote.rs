//! `council vote`: write (or replace) a delegate's ballot, or the chair's casting vote.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::{Result, bail};
use toml_edit::{Array, DocumentMut, value};

use crate::cmd::Ctx;
use crate::cmd::edit;
use crate::decision::{self, State};
use crate::model::ballot::{parse_rank_expr, split_group};
use crate::repo::Repo;
use crate::write::Plan;
use crate::{Exit, git, refuse};

/// What `vote` is asked for (its command-line arguments).
#[derive(Debug, Default, clap::Args)]
// One way to vote is required; clap's message then names them all (a topic takes --rank).
#[command(group(clap::ArgGroup::new("ballot").required(true).args(["choice", "rank", "casting", "recuse"])))]
#[command(
    override_usage = "council vote [OPTIONS] <DECISION> <CHOICE|--rank <RANKING>|--casting <OPTION>|--recuse>"
)]
pub struct Request {
    /// The decision: a topic, or a proposal's id (7 or 0007)
    #[arg(value_name = "DECISION")]
    pub decision: String,
    /// For a one-proposal decision: approve (it above none), reject (none above it) or abstain
    #[arg(value_name = "CHOICE", value_parser = ["approve", "reject", "abstain"], conflicts_with_all = ["rank", "casting", "recuse"])]
    pub choice: Option<String>,
    /// A ranking, most preferred first: options (7 or 0007, and none) separated by `>`, equals by `=`
    #[arg(long, value_name = "RANKING", conflicts_with_all = ["casting", "recuse"])]
    pub rank: Option<String>,
    /// Declare a conflict of interest: this ballot is not counted, and takes no concerns
    #[arg(long, conflicts_with_all = ["casting", "concerns"])]
    pub recuse: bool,
    /// Vote as this delegate id (default: the delegate with git's author email)
    #[arg(long = "as", value_name = "ID")]
    pub as_: Option<String>,
    /// A free-text comment kept in the ballot
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,
    /// An unresolved concern, not empty (repeatable); with the rules' concerns-block it keeps the decision from closing
    #[arg(long = "concern", value_name = "TEXT")]
    pub concerns: Vec<String>,
    /// The chair's casting vote after a tie: one of the tied options
    #[arg(long, value_name = "OPTION")]
    pub casting: Option<String>,
    /// Record the ballot as a git commit, made by `git commit` (signed where git is set up to sign)
    #[arg(long)]
    pub commit: bool,
}

pub fn run(ctx: &Ctx, out: &mut dyn Write, req: Request) -> Result<Exit> {
    for c in &req.concerns {
        if c.trim().is_empty() {
            bail!(
                "--concern \"{c}\" is empty: a concern says what must change before you can support the decision"
            );
        }
    }
    if req.recuse && !req.concerns.is_empty() {
        bail!("a recused ballot has no concerns: recusal means not taking part");
    }
    let (root, lock) = ctx.writing()?;
    let repo = Repo::load(&root)?;
    repo.require_valid_config()?;
    let (d, record) = decision::find_recorded(&repo, &req.decision)?;
    if record.is_closed() {
        refuse!(
            "decision `{}` is closed ({}): ballots can no longer be cast or changed",
            d.name,
            record.file
        );
    }
    let delegate = crate::cmd::acting(&root, &repo.council, req.as_.as_deref())?;
    let today = ctx.now.date_naive();
    if !delegate.serves_on(today) {
        refuse!(
            "{}'s term in council.toml does not cover today ({today}): only a serving delegate votes",
            delegate.id
        );
    }
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
    let options = d.options();

    if let Some(choice) = &req.casting {
        if record.chair.as_deref() != Some(delegate.id.as_str()) {
            refuse!(
                "only the chair named in {} casts the deciding vote, and `{}` is not that chair",
                record.file,
                delegate.id
            );
        }
        let choice = decision::normalize(choice);
        if !options.contains(&choice) {
            bail!(
                "`{choice}` is not an option of decision `{}`: the options are {}",
                d.name,
                options.join(", ")
            );
        }
        let t = decision::count(&d, ctx.now);
        let tied = t.count.winner_names();
        if t.recused.contains(&delegate.id) {
            refuse!(
                "you recused from decision `{}`, so your casting vote would not count: a chair with a conflict of interest does not settle the tie (`council cancel {}` and a new vote can)",
                d.name,
                d.name
            );
        }
        if t.state != State::Tie {
            refuse!(
                "decision `{}` is {}, not tied: a casting vote only settles a tie",
                d.name,
                t.state.as_str()
            );
        }
        if !tied.contains(&choice) {
            refuse!(
                "`{choice}` is not among the tied options ({})",
                tied.join(", ")
            );
        }
        let rel = format!("votes/{}/casting.toml", d.name);
        let old = repo.castings.iter().find(|c| c.decision == d.name);
        let mut doc = BallotEdit::open(old.map(|c| c.source.as_str()));
        doc.set("winner", Some(value(choice.as_str())));
        doc.set(
            "cast",
            Some(toml_edit::Item::Value(edit::datetime(ctx.now))),
        );
        let mut plan = Plan::new();
        plan.write(&rel, doc.finish());
        plan.validate(&repo, ctx.now, "the casting vote")?;
        plan.apply(&root, &lock)?;
        // The files are written: `--commit` runs without the lock, as it may wait for a key.
        drop(lock);
        if !ctx.quiet {
            writeln!(out, "wrote {rel}")?;
        }
        finish(
            ctx,
            out,
            committer,
            &root.join(&rel),
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
    let rel = format!("votes/{}/{}.toml", d.name, delegate.id);
    let old = d.ballots.iter().find(|b| b.delegate == delegate.id);
    let mut doc = BallotEdit::open(old.map(|b| b.source.as_str()));
    let (mut recuse, mut ranking_item, mut vote) = (None, None, None);
    if req.recuse {
        recuse = Some(value(true));
    } else if let Some(expr) = &req.rank {
        let entries = parse_rank_expr(expr).map_err(anyhow::Error::msg)?;
        let mut seen = BTreeSet::new();
        let mut ranking = Array::new();
        for entry in entries {
            let names: Vec<String> = split_group(&entry)
                .into_iter()
                .map(decision::normalize)
                .collect();
            for n in &names {
                if !options.contains(n) {
                    bail!(
                        "`{n}` is not an option of decision `{}`: the options are {}",
                        d.name,
                        options.join(", ")
                    );
                }
                if !seen.insert(n.clone()) {
                    bail!("`{n}` is ranked twice");
                }
            }
            ranking.push(names.join(" = "));
        }
        ranking_item = Some(value(ranking));
    } else if let Some(choice) = &req.choice {
        if d.single().is_none() {
            bail!(
                "`{choice}` is for a one-proposal decision; `{}` has options {}: use --rank \"A > B > none\"",
                d.name,
                options.join(", ")
            );
        }
        vote = Some(value(choice.as_str()));
    }
    let concerns = (!req.concerns.is_empty()).then(|| {
        let mut a = Array::new();
        for c in &req.concerns {
            a.push(c.as_str());
        }
        value(a)
    });
    doc.set("recuse", recuse);
    doc.set("ranking", ranking_item);
    doc.set("vote", vote);
    doc.set("comment", req.comment.as_deref().map(value));
    doc.set("concerns", concerns);
    doc.set(
        "cast",
        Some(toml_edit::Item::Value(edit::datetime(ctx.now))),
    );
    let mut plan = Plan::new();
    plan.write(&rel, doc.finish());
    plan.validate(&repo, ctx.now, &format!("{}'s ballot", delegate.id))?;
    let path = root.join(&rel);
    let replaced = path.exists();
    plan.apply(&root, &lock)?;
    // The files are written: `--commit` runs without the lock, as it may wait for a key.
    drop(lock);
    if !ctx.quiet {
        let verb = if replaced { "replaced" } else { "wrote" };
        writeln!(out, "{verb} {rel}")?;
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

/// A ballot file being written: the delegate's earlier ballot where it parses, so that its
/// comments, layout, line endings and byte order mark survive, else a new one.
struct BallotEdit {
    old: String,
    doc: DocumentMut,
}

impl BallotEdit {
    fn open(old: Option<&str>) -> Self {
        let old = old.unwrap_or_default();
        let body = old.strip_prefix('\u{feff}').unwrap_or(old);
        match body.parse::<DocumentMut>() {
            Ok(doc) => BallotEdit {
                old: old.to_owned(),
                doc,
            },
            Err(_) => BallotEdit {
                old: String::new(),
                doc: DocumentMut::new(),
            },
        }
    }

    /// Sets `key` to `item`, keeping the old value's decor (its trailing comment); `None`
    /// removes it.
    /// Sets `key` to `item` (a value, as `toml_edit::value` makes), or removes it for `None`.
    fn set(&mut self, key: &str, item: Option<toml_edit::Item>) {
        match item.map(toml_edit::Item::into_value) {
            Some(Ok(v)) => crate::cmd::edit::set_keeping_decor(&mut self.doc, key, v),
            Some(Err(other)) => {
                self.doc.insert(key, other);
            }
            None => {
                self.doc.remove(key);
            }
        }
    }

    fn finish(self) -> String {
        edit::keep_style(&self.old, self.doc.to_string())
    }
}

/// `7` and `0007` both name proposal 7; `none` stays.
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
