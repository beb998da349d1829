//! The command line: clap definitions and the dispatch to [`crate::cmd`].

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::emit::Format;
use crate::lint::catalog::Level;
use crate::{Exit, Refusal, cmd};

#[derive(Debug, Parser)]
#[command(
    name = "council",
    version,
    about = "Proposals, ballots and decisions of a small council, kept in a git repository",
    long_about = "council keeps a community's decision process in a git repository: markdown \
proposals with TOML front matter, one TOML ballot per delegate per decision, and council.toml \
naming the delegates. It checks the files, counts each decision from them alone, and writes the \
outcome back.",
    after_help = "Run `council check` in a governance repository to lint it; `council tally` to count its decisions."
)]
pub struct Cli {
    /// Run as if started in DIR (the repository root is found from there)
    #[arg(short = 'C', long = "repo", value_name = "DIR", global = true)]
    pub repo: Option<PathBuf>,
    /// When to use colours
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,
    /// Print only what was asked for: no summaries or notes
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scaffold council.toml and a process document (never overwrites)
    Init {
        /// Directory to set up (created if missing; default: the current one)
        dir: Option<PathBuf>,
        /// The council's name
        #[arg(long)]
        name: Option<String>,
        /// Record the new files as a git commit
        #[arg(long)]
        commit: bool,
    },
    /// Start a new proposal: next free id, today's date, Draft, the type's sections
    New {
        #[arg(long)]
        title: String,
        /// standards, process or informational
        #[arg(long = "type", default_value = "standards")]
        kind: String,
        /// The topic it competes on
        #[arg(long)]
        topic: Option<String>,
        /// `Name` or `Name <email>` (repeatable; default: git's user.name and user.email)
        #[arg(long)]
        author: Vec<String>,
        /// Record the new file as a git commit
        #[arg(long)]
        commit: bool,
    },
    /// List proposals, one row each
    List {
        /// Only these statuses (repeatable)
        #[arg(long)]
        status: Vec<String>,
        #[arg(long)]
        topic: Option<String>,
        #[arg(long = "type")]
        kind: Option<String>,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Show one proposal: metadata, its decision and ballots
    Show {
        id: String,
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Lint proposals, council.toml and ballots
    Check {
        /// Only report on these files or directories
        paths: Vec<PathBuf>,
        /// Also check every commit since REV: who changed which ballot, transitions, frozen text
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        #[command(flatten)]
        report: Report,
        /// Print every rule with its default level and description
        #[arg(long)]
        list_rules: bool,
        /// Print the documentation of RULE: what it checks, an example, how to fix it
        #[arg(long, value_name = "RULE")]
        explain: Option<String>,
    },
    /// Move a proposal to a new status, editing its front matter in place
    Status {
        id: String,
        /// The new status
        new: String,
        #[arg(long)]
        commit: bool,
    },
    /// Open voting on a decision: write its record, and move its proposals to Voting
    Open {
        /// The decision: a topic, or the id of a proposal without one
        decision: String,
        /// Length of the window in days, 1 to 365 (default: the rules' voting-days)
        #[arg(long, conflicts_with = "closes")]
        days: Option<u32>,
        /// When the window closes: an RFC 3339 time or a date (the end of that day, UTC)
        #[arg(long)]
        closes: Option<String>,
        /// Open as this delegate id (default: the delegate with git's user.email)
        #[arg(long = "as", value_name = "ID")]
        as_: Option<String>,
        /// Record the change as a git commit, made by `git commit`
        #[arg(long)]
        commit: bool,
    },
    /// Stop a running vote (the chair): proposals back to Discussion, record and ballots removed
    Cancel {
        /// The decision whose vote to stop
        decision: String,
        /// Act as this delegate id (default: the delegate with git's user.email)
        #[arg(long = "as", value_name = "ID")]
        as_: Option<String>,
        /// Record the change as a git commit, made by `git commit`
        #[arg(long)]
        commit: bool,
    },
    /// Cast or replace your ballot on a decision
    Vote {
        decision: String,
        /// approve, reject or abstain (one-proposal decisions)
        #[arg(value_parser = ["approve", "reject", "abstain"], required_unless_present_any = ["rank", "casting", "recuse"], conflicts_with_all = ["rank", "casting", "recuse"])]
        choice: Option<String>,
        /// A ranking such as "0003 > 0002 = 0004 > none"
        #[arg(long, conflicts_with_all = ["casting", "recuse"])]
        rank: Option<String>,
        /// Declare a conflict of interest: this ballot is not counted
        #[arg(long, conflicts_with_all = ["casting", "concern"])]
        recuse: bool,
        /// Vote as this delegate id (default: the delegate with git's user.email)
        #[arg(long = "as", value_name = "ID")]
        as_: Option<String>,
        #[arg(long)]
        comment: Option<String>,
        /// An unresolved concern (repeatable)
        #[arg(long)]
        concern: Vec<String>,
        /// The chair's casting vote after a tie
        #[arg(long, value_name = "OPTION")]
        casting: Option<String>,
        #[arg(long)]
        commit: bool,
    },
    /// Count decisions, explaining every step
    Tally {
        /// Decisions to count (default: every decision with a record in decisions/)
        decisions: Vec<String>,
        /// Count the files as they were at this git revision
        #[arg(long, value_name = "REV")]
        at: Option<String>,
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Close a decided vote: [closed] into its record, the outcome into its proposals
    Close {
        decision: String,
        #[arg(long)]
        commit: bool,
    },
    /// Check the whole history: forged or late ballots, transitions, outcomes, frozen text
    Audit {
        /// Only the commits since REV
        #[arg(long, value_name = "REV")]
        since: Option<String>,
        #[command(flatten)]
        report: Report,
    },
    /// Write the record as a static HTML site: proposals, decisions, delegates, digest, feeds
    Render {
        /// The folder to write (created; a previous render there is replaced, anything else refused)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Where the site will be served, for the feed, sitemap and links shared elsewhere
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Print shell completions
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff)
    Man,
}

pub use crate::cmd::Ctx;

/// How `check` and `audit` report, and at which levels: the same flags for both.
#[derive(Debug, clap::Args)]
pub struct Report {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 on warnings too (such as history a shallow clone could not verify)
    #[arg(long)]
    pub deny_warnings: bool,
    /// Make RULE an error
    #[arg(short = 'D', long = "deny", value_name = "RULE")]
    pub deny: Vec<String>,
    /// Make RULE a warning (rules that judge who may change what stay errors)
    #[arg(short = 'W', long = "warn", value_name = "RULE")]
    pub warn: Vec<String>,
    /// Silence RULE (rules that judge who may change what stay errors)
    #[arg(short = 'A', long = "allow", value_name = "RULE")]
    pub allow: Vec<String>,
}

/// `-D/-W/-A` in the order they were given.
fn lint_overrides(m: &clap::ArgMatches) -> Vec<(Level, String)> {
    let mut all = Vec::new();
    for (id, level) in [
        ("deny", Level::Error),
        ("warn", Level::Warning),
        ("allow", Level::Allow),
    ] {
        if let (Some(idx), Some(vals)) = (m.indices_of(id), m.get_many::<String>(id)) {
            all.extend(idx.zip(vals).map(|(i, v)| (i, level, v.clone())));
        }
    }
    all.sort_by_key(|(i, _, _)| *i);
    all.into_iter().map(|(_, l, v)| (l, v)).collect()
}

/// The clock: now, unless `COUNCIL_NOW` (RFC 3339) pins it for reproducible runs.
fn now() -> anyhow::Result<DateTime<Utc>> {
    match std::env::var("COUNCIL_NOW") {
        Ok(s) if !s.is_empty() => DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| anyhow::anyhow!("COUNCIL_NOW=`{s}` is not an RFC 3339 time: {e}")),
        _ => Ok(Utc::now()),
    }
}

/// Runs council with `args`; returns the process exit code.
pub fn main_with(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> i32 {
    let matches = match Cli::command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return 2;
        }
    };
    match cli.color {
        ColorWhen::Always => anstream::ColorChoice::Always.write_global(),
        ColorWhen::Never => anstream::ColorChoice::Never.write_global(),
        ColorWhen::Auto => {}
    }
    let overrides = matches
        .subcommand_matches("check")
        .or_else(|| matches.subcommand_matches("audit"))
        .map(lint_overrides)
        .unwrap_or_default();
    // `check` and `audit` in a machine format answer in it even when they cannot run.
    let report_format = match &cli.command {
        Command::Check { report, .. } | Command::Audit { report, .. } => Some(report.format),
        _ => None,
    };
    let result = now().and_then(|now| {
        let dir = match &cli.repo {
            Some(d) => d.clone(),
            None => std::env::current_dir()?,
        };
        let ctx = Ctx {
            dir,
            quiet: cli.quiet,
            now,
        };
        run(&ctx, cli.command, overrides)
    });
    match result {
        Ok(exit) => exit as i32,
        Err(err) => {
            if is_broken_pipe(&err) {
                return 0;
            }
            let code = if err.downcast_ref::<Refusal>().is_some() {
                1
            } else {
                2
            };
            if code == 2
                && let Some(format @ (Format::Json | Format::Github)) = report_format
            {
                let d = crate::diag::Diagnostic::failure(&format!("{err:#}"));
                let summary = crate::diag::Summary::of(0, std::slice::from_ref(&d));
                let mut out = io::stdout().lock();
                let _ = crate::emit::emit(&mut out, format, &[d], summary, true);
            }
            let mut stderr = anstream::stderr();
            let style = anstyle::Style::new()
                .bold()
                .fg_color(Some(anstyle::AnsiColor::Red.into()));
            let _ = writeln!(stderr, "{style}error{style:#}: {err:#}");
            code
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(ctx: &Ctx, command: Command, overrides: Vec<(Level, String)>) -> anyhow::Result<Exit> {
    let mut out = anstream::stdout().lock();
    match command {
        Command::Init { dir, name, commit } => cmd::init::run(ctx, &mut out, dir, name, commit),
        Command::New {
            title,
            kind,
            topic,
            author,
            commit,
        } => cmd::new::run(ctx, &mut out, &title, &kind, topic, author, commit),
        Command::List {
            status,
            topic,
            kind,
            format,
        } => cmd::list::run(ctx, &mut out, &status, topic, kind, format),
        Command::Show { id, format } => cmd::show::run(ctx, &mut out, &id, format),
        Command::Check {
            paths,
            report,
            list_rules,
            explain,
            base,
        } => {
            if list_rules {
                return cmd::check::list_rules(&mut out);
            }
            if let Some(rule) = explain {
                return cmd::check::explain(&mut out, &rule);
            }
            cmd::check::run(
                ctx,
                &mut out,
                &paths,
                base.as_deref(),
                report.format,
                report.deny_warnings,
                &overrides,
            )
        }
        Command::Status { id, new, commit } => cmd::status::run(ctx, &mut out, &id, &new, commit),
        Command::Open {
            decision,
            days,
            closes,
            as_,
            commit,
        } => cmd::open::run(
            ctx,
            &mut out,
            cmd::open::Request {
                decision,
                days,
                closes,
                as_,
                commit,
            },
        ),
        Command::Cancel {
            decision,
            as_,
            commit,
        } => cmd::cancel::run(ctx, &mut out, &decision, as_.as_deref(), commit),
        Command::Vote {
            decision,
            choice,
            rank,
            recuse,
            as_,
            comment,
            concern,
            casting,
            commit,
        } => cmd::vote::run(
            ctx,
            &mut out,
            cmd::vote::Request {
                decision,
                choice,
                rank,
                recuse,
                as_,
                comment,
                concerns: concern,
                casting,
                commit,
            },
        ),
        Command::Tally {
            decisions,
            at,
            format,
        } => cmd::tally::run(ctx, &mut out, &decisions, at.as_deref(), format),
        Command::Audit { since, report } => cmd::audit::run(
            ctx,
            &mut out,
            since.as_deref(),
            report.format,
            report.deny_warnings,
            &overrides,
        ),
        Command::Close { decision, commit } => cmd::close::run(ctx, &mut out, &decision, commit),
        Command::Render { out: dir, base_url } => cmd::render::run(ctx, &mut out, dir, base_url),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "council", &mut out);
            Ok(Exit::Success)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            Ok(Exit::Success)
        }
    }
}
