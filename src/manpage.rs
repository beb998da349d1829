//! `council man`: man pages from the clap definitions, with the sections clap does not know
//! (examples, exit status, environment, see also).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap_mangen::Man;

use crate::Exit;
use crate::cmd::Ctx;

/// EXIT STATUS, the table in docs/behaviour.md in short.
pub const EXIT_STATUS: &[(&str, &str)] = &[
    (
        "0",
        "Success. Warnings do not change it, unless --deny-warnings is given.",
    ),
    (
        "1",
        "The command ran and found errors (check, audit), or refused a change: a transition the \
         rules forbid, a closed window, a tie, a delegate who may not act, a result check would reject.",
    ),
    (
        "2",
        "council could not run: a usage error (an unknown option, a value outside its set, a \
         malformed value), a name given on the command line that names nothing (a proposal, \
         decision, option, delegate, rule, path or revision), no council.toml, unusable \
         configuration (council.toml or the rules malformed or invalid), no git repository or \
         identity where one is needed, another writer holding the lock.",
    ),
];

/// ENVIRONMENT: every variable council reads.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "COUNCIL_NOW",
        "An RFC 3339 time used as the current time, for reproducible runs and examples. Never \
         set it in CI: it replaces the clock. A value that does not parse is an error (exit 2).",
    ),
    (
        "COUNCIL_LOCK_TIMEOUT",
        "Seconds a writing command waits for another writer's lock (default 10).",
    ),
    (
        "NO_COLOR, CLICOLOR, CLICOLOR_FORCE",
        "With --color auto, NO_COLOR (set and not empty) or CLICOLOR=0 turn colours off, and \
         CLICOLOR_FORCE turns them on even when the output is not a terminal.",
    ),
    (
        "GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, EMAIL",
        "Who you are is the identity git will author a commit with (git var GIT_AUTHOR_IDENT), \
         so these count as for git commit: the delegate acting (vote, open, cancel) and the \
         default author of new.",
    ),
    (
        "GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM",
        "Which git configuration files are read: council asks the git command.",
    ),
    (
        "HOME, XDG_CONFIG_HOME",
        "Where ~/ in git's user.signingkey points, and where git's global configuration is; \
         where check looks for the user's git attributes file when core.attributesFile is not \
         set (rule checkout-conversion).",
    ),
];

/// Escapes text for roff: backslashes, and a leading `.` or `'` that would read as a request.
fn roff(text: &str) -> String {
    let s = text.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

fn section(out: &mut dyn Write, title: &str) -> std::io::Result<()> {
    writeln!(out, ".SH \"{title}\"")
}

/// Tagged paragraphs: a term, then its text indented.
fn items(out: &mut dyn Write, items: &[(&str, &str)]) -> std::io::Result<()> {
    for (term, text) in items {
        writeln!(out, ".TP\n\\fB{}\\fR\n{}", roff(term), roff(text))?;
    }
    Ok(())
}

/// A command's `after_help` (its examples) as an EXAMPLES section, kept as written.
fn examples(out: &mut dyn Write, cmd: &clap::Command) -> std::io::Result<()> {
    let Some(text) = cmd.get_after_help().map(|s| s.to_string()) else {
        return Ok(());
    };
    // The top page's help repeats the exit status and a pointer to `help`: EXIT STATUS says it.
    let text = text.split("\n\n").next().unwrap_or_default();
    section(out, "EXAMPLES")?;
    writeln!(out, ".nf")?;
    for line in text.lines().filter(|l| !l.ends_with(':')) {
        writeln!(out, "{}", roff(line))?;
    }
    writeln!(out, ".fi")
}

/// One page: clap's title, name, synopsis, description and options, then ours. `commands`
/// lists the sub-pages written beside it (none when the page is printed alone).
fn render(out: &mut dyn Write, cmd: &clap::Command, commands: &[String]) -> Result<()> {
    let man = Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(out)?;
    }
    let subs: Vec<_> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .collect();
    if !subs.is_empty() {
        section(out, "COMMANDS")?;
        for s in subs {
            let about = s.get_about().map(|a| a.to_string()).unwrap_or_default();
            writeln!(
                out,
                ".TP\n\\fB{} {}\\fR\n{}",
                roff(cmd.get_name()),
                roff(s.get_name()),
                roff(&about)
            )?;
        }
    }
    examples(out, cmd)?;
    section(out, "EXIT STATUS")?;
    items(out, EXIT_STATUS)?;
    section(out, "ENVIRONMENT")?;
    items(out, ENVIRONMENT)?;
    section(out, "SEE ALSO")?;
    let mut see: Vec<String> = commands.iter().map(|c| format!("\\fB{c}\\fR(1)")).collect();
    see.push("\\fBgit\\fR(1)".into());
    writeln!(out, "{}", see.join(", "))?;
    if cmd.get_version().is_some() {
        man.render_version_section(out)?;
    }
    Ok(())
}

/// The page for `council` alone, as `council man` prints it: its SEE ALSO names no page of a
/// command, since none is written.
pub fn page(out: &mut dyn Write, cli: &clap::Command) -> Result<()> {
    let mut cli = cli.clone();
    cli.build();
    render(out, &cli, &[])
}

/// The name of a command's page: `council-vote`.
fn page_name(cli: &clap::Command, sub: &clap::Command) -> String {
    format!("{}-{}", cli.get_name(), sub.get_name())
}

/// `council man --out DIR`: `council.1` and one page per command. Nothing is overwritten: if a
/// page is already there, nothing is written.
pub fn write_all(
    ctx: &Ctx,
    out: &mut dyn Write,
    dir: &Path,
    mut cli: clap::Command,
) -> Result<Exit> {
    cli.build();
    let dir = ctx.dir.join(dir);
    let subs: Vec<clap::Command> = cli
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .cloned()
        .collect();
    let names: Vec<String> = subs.iter().map(|s| page_name(&cli, s)).collect();
    let mut pages = Vec::new();
    let mut top = Vec::new();
    render(&mut top, &cli, &names)?;
    pages.push((format!("{}.1", cli.get_name()), top));
    for (sub, name) in subs.iter().zip(&names) {
        let mut text = Vec::new();
        // The sub-page names its siblings' pages less itself, and the top page.
        let mut see = vec![cli.get_name().to_owned()];
        see.extend(names.iter().filter(|n| *n != name).cloned());
        render(&mut text, sub, &see)?;
        pages.push((format!("{name}.1"), text));
    }
    let taken: Vec<_> = pages
        .iter()
        .map(|(f, _)| dir.join(f))
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .map(|p| p.display().to_string())
        .collect();
    if !taken.is_empty() {
        crate::refuse!(
            "{} already exist{}; council never overwrites a file unasked: remove {} first",
            taken.join(", "),
            if taken.len() == 1 { "s" } else { "" },
            if taken.len() == 1 { "it" } else { "them" }
        );
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (file, text) in &pages {
        crate::repo::write_atomic(&dir.join(file), text)?;
    }
    if !ctx.quiet {
        writeln!(out, "wrote {} man pages to {}", pages.len(), dir.display())?;
    }
    Ok(Exit::Success)
}
