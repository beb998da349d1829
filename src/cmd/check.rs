//! `council check`: lint the repository and report in one of three formats.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::Exit;
use crate::cmd::Ctx;
use crate::diag::{Severity, Summary};
use crate::emit::{self, Format};
use crate::lint::{self, catalog};
use crate::repo::Repo;

pub fn list_rules(out: &mut dyn Write) -> Result<Exit> {
    let width = catalog::RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in catalog::RULES {
        writeln!(
            out,
            "{:width$}  {:7}  {}",
            r.id,
            r.level.as_str(),
            r.summary
        )?;
    }
    Ok(Exit::Success)
}

pub fn explain(out: &mut dyn Write, rule: &str) -> Result<Exit> {
    let Some(r) = catalog::find(rule) else {
        bail!("unknown rule `{rule}` (see `council check --list-rules`)");
    };
    write!(out, "{}\nDefault level: {}.\n", r.doc, r.level)?;
    Ok(Exit::Success)
}

pub fn run(
    ctx: &Ctx,
    out: &mut dyn Write,
    paths: &[PathBuf],
    base: Option<&str>,
    format: Format,
    deny_warnings: bool,
    overrides: &[(catalog::Level, String)],
) -> Result<Exit> {
    let root = ctx.root()?;
    // An unknown -D/-W/-A rule is a usage error, found before anything else is read.
    let (levels, mut found) =
        lint::levels(&Repo::load_council(&root)?, overrides).map_err(anyhow::Error::msg)?;
    // The history since the base is judged on its own thread: it reads the commits and the
    // base's file list from git while the files are loaded, then starts from the files loaded
    // (the base shares nearly all of them) while they are checked.
    let mut loaded: std::sync::OnceLock<Repo> = std::sync::OnceLock::new();
    let (ready, wait) = std::sync::mpsc::channel::<()>();
    let (repo, checked, history) = std::thread::scope(|s| {
        let history = base.map(|rev| {
            let (loaded, root) = (&loaded, &root);
            s.spawn(move || -> Result<Vec<crate::diag::Diagnostic>> {
                let git = crate::git::Git::open(root)?;
                let since = git.resolve(rev)?;
                let seed = || match wait.recv() {
                    Ok(()) => loaded
                        .get()
                        .map(crate::history::Seed::of)
                        .unwrap_or_default(),
                    Err(_) => crate::history::Seed::default(),
                };
                Ok(
                    crate::history::audit_seeded(&git, Some(since), Some(ctx.now), seed)?
                        .diagnostics,
                )
            })
        });
        let checked = Repo::load(&root).map(|mut repo| {
            repo.read_pins();
            repo.diagnostics.extend(checkout_conversions(&repo));
            let repo = loaded.get_or_init(|| repo);
            // A failed send means the history thread has already stopped on its own error.
            let _ = ready.send(());
            lint::check(repo, ctx.now)
        });
        drop(ready);
        let history = history.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        (loaded.get(), checked, history)
    });
    let checked = checked?;
    let repo = repo.expect("loaded when checked");
    found.extend(checked);
    if let Some(h) = history {
        found.extend(h?);
    }
    let mut diags = lint::apply_levels(found, &levels);
    let mut files = repo.files;
    if !paths.is_empty() {
        let wanted = selected(&ctx.dir, &root, paths)?;
        diags.retain(|d| {
            wanted
                .iter()
                .any(|w| w.is_empty() || d.file == *w || d.file.starts_with(&format!("{w}/")))
        });
        files = count_selected(&root, &wanted);
    }
    let summary = Summary::of(files, &diags);
    emit::emit(out, format, &diags, summary, ctx.quiet)?;
    let failed = summary.errors > 0
        || (deny_warnings && diags.iter().any(|d| d.severity == Severity::Warning));
    crate::repo::drop_in_background(loaded.take());
    Ok(if failed { Exit::Failure } else { Exit::Success })
}

/// Findings for the checkout conversions git applies to governed files other than line
/// endings (see [`crate::git::checkout_conversions`]); none outside git.
fn checkout_conversions(repo: &Repo) -> Vec<crate::diag::Diagnostic> {
    let mut files: Vec<&str> = vec![crate::model::council::FILE];
    files.extend(repo.proposals.iter().map(|p| p.file.as_str()));
    files.extend(repo.records.iter().map(|r| r.file.as_str()));
    files.extend(repo.ballots.iter().map(|b| b.file.as_str()));
    files.extend(repo.castings.iter().map(|c| c.file.as_str()));
    // The site's templates say what was decided to every reader (git asks of paths, not files).
    let theme: Vec<String> = crate::render::templates::theme_files().collect();
    files.extend(theme.iter().map(String::as_str));
    crate::git::checkout_conversions(&repo.root, &files)
        .into_iter()
        .map(|c| {
            let what = match c.attr {
                "ident" => "`ident` (it rewrites `$Id$` in the checkout)".to_owned(),
                "filter" => format!("the filter driver `{}`", c.value),
                _ => format!("`working-tree-encoding={}`", c.value),
            };
            let shown: Vec<&str> = c.files.iter().take(3).map(String::as_str).collect();
            let more = c.files.len().saturating_sub(shown.len());
            let message = format!(
                "git's attributes apply {what} to {} on checkout ({}{}): a governed file must be checked out exactly as git stores it, or what council counts in the checkout and what history judges differ; remove the attribute for council.toml, proposals/, decisions/, votes/ and theme/",
                crate::emit::plural(c.files.len(), "governed file"),
                shown.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            );
            // At the attribute file's line where it is in the governance root.
            match c.source.and_then(|(rel, line)| {
                let bytes = std::fs::read(repo.root.join(&rel)).ok()?;
                let text = String::from_utf8_lossy(&bytes).into_owned();
                Some((rel, text, line))
            }) {
                Some((rel, text, line)) => crate::diag::Diagnostic::at_line(
                    "checkout-conversion",
                    &rel,
                    &text,
                    line,
                    1,
                    message,
                ),
                None => crate::diag::Diagnostic::file("checkout-conversion", "", message),
            }
        })
        .collect()
}

/// The paths given on the command line, relative to the repository root.
fn selected(cwd: &Path, root: &Path, paths: &[PathBuf]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for p in paths {
        let abs = if p.is_absolute() {
            p.clone()
        } else {
            cwd.join(p)
        };
        let Ok(abs) = abs.canonicalize() else {
            bail!("{}: no such file or directory", p.display());
        };
        if !abs.starts_with(root) {
            bail!(
                "{} is outside the repository at {}",
                p.display(),
                root.display()
            );
        }
        out.push(crate::repo::relative(root, &abs));
    }
    Ok(out)
}

fn count_selected(root: &Path, wanted: &[String]) -> usize {
    wanted
        .iter()
        .map(|w| {
            let p = root.join(w);
            if p.is_dir() { walk_count(&p) } else { 1 }
        })
        .sum()
}

fn walk_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        walk_count(&p)
                    } else {
                        usize::from(p.extension().is_some_and(|x| x == "md" || x == "toml"))
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
