//! `council audit`: SPEC section 7 over the whole history (or since a revision).

use std::io::Write;

use anyhow::Result;

use crate::cmd::Ctx;
use crate::diag::Summary;
use crate::emit::{self, Format, plural};
use crate::git::Git;
use crate::repo::Repo;
use crate::{Exit, history, lint};

pub fn run(
    ctx: &Ctx,
    out: &mut dyn Write,
    since: Option<&str>,
    format: Format,
    deny_warnings: bool,
    overrides: &[(lint::catalog::Level, String)],
) -> Result<Exit> {
    let root = ctx.root()?;
    // Only council.toml's `[lints]` is read from the working tree; an unknown -D/-W/-A rule is
    // a usage error, found before any history is read.
    let council = Repo::load_council(&root)?;
    let (levels, mut found) = lint::levels(&council, overrides).map_err(anyhow::Error::msg)?;
    let git = Git::open(&root)?;
    let since = since.map(|rev| git.resolve(rev)).transpose()?;
    let report = history::audit(&git, since, None)?;
    found.extend(report.diagnostics);
    let diags = lint::apply_levels(found, &levels);
    let summary = Summary::of(report.files, &diags);
    match format {
        Format::Json => {
            let mut v = emit::json_value(&diags, summary);
            if let serde_json::Value::Object(m) = &mut v {
                m.insert("commits".into(), report.commits.into());
                m.insert("ballots".into(), report.ballots.into());
                m.insert("decisions".into(), report.decisions.len().into());
            }
            writeln!(out, "{v}")?;
        }
        Format::Github => emit::github(out, &diags)?,
        Format::Human => {
            emit::human(out, &diags, summary, true)?;
            if !ctx.quiet {
                writeln!(
                    out,
                    "audited {}: {} and {} verified; {}, {}",
                    plural(report.commits, "commit"),
                    plural(report.ballots, "ballot change"),
                    plural(report.decisions.len(), "decision"),
                    plural(summary.errors, "error"),
                    plural(summary.warnings, "warning"),
                )?;
            }
        }
    }
    Ok(
        if summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
            Exit::Failure
        } else {
            Exit::Success
        },
    )
}
