//! The command line: clap definitions and the dispatch to [`crate::cmd`].

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::emit::Format;
use crate::lint::catalog::Level;
use crate::model::status::{Status, Type};
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
    after_help = "Examples:\n  council check                  lint the repository\n  council tally                  count every decision, step by step\n  council status 6 Discussion    move proposal 6 on\n\nExit status: 0 success, 1 errors found or a change refused, 2 council could not run.\nRun `council help COMMAND` for a command's options and an example."
)]
pub struct Cli {
    /// Run as if started in DIR (the repository root is found from there)
    #[arg(short = 'C', long = "repo", value_name = "DIR", global = true)]
    pub repo: Option<PathBuf>,
    /// When to use colours: auto honours NO_COLOR and whether output is a terminal
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

/// The statuses a proposal may have, for `status` and `list --status`, as [`Status`].
pub(crate) fn statuses() -> impl TypedValueParser<Value = Status> {
    PossibleValuesParser::new(Status::ALL.map(|s| s.as_str())).try_map(|s| s.parse::<Status>())
}

/// The types a proposal may have, for `new --type` and `list --type`, as [`Type`].
pub(crate) fn types() -> impl TypedValueParser<Value = Type> {
    PossibleValuesParser::new(Type::ALL.map(|t| t.as_str())).try_map(|s| s.parse::<Type>())
}

/// An http or https URL, as a front matter field takes it.
pub(crate) fn url(s: &str) -> Result<String, String> {
    crate::model::proposal::check_url(s).map(|()| s.to_owned())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scaffold council.toml and a process document (never overwrites)
    #[command(
        after_help = "Examples:\n  council init governance --name \"Packaging Council\"\n  council init --delegate \"ada Ada Lovelace <ada@example.org>\" --delegate \"grace Grace Hopper <grace@example.org>\" --chair ada --resolution https://discuss.example.org/t/1 --commit"
    )]
    Init(cmd::init::Request),
    /// Start a new proposal: next free id, today's date, Draft, the type's sections
    #[command(
        after_help = "Example:\n  council new --title \"A standard lockfile format\" --topic lockfile --author \"Ada Lovelace <ada@example.org>\""
    )]
    New(cmd::new::Request),
    /// List proposals, one row each
    #[command(after_help = "Example:\n  council list --status Discussion --status Voting")]
    List {
        /// Only proposals in this status (repeatable)
        #[arg(long, value_name = "STATUS", value_parser = statuses())]
        status: Vec<Status>,
        /// Only proposals of this topic
        #[arg(long, value_name = "TOPIC")]
        topic: Option<String>,
        /// Only proposals of this type
        #[arg(long = "type", value_name = "TYPE", value_parser = types())]
        kind: Option<Type>,
        /// Output format: a table for people, JSON (an array of front matters) for scripts
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Show one proposal: metadata, its decision and ballots, its history
    #[command(after_help = "Example:\n  council show 2")]
    Show {
        /// The proposal's id: 7 or 0007
        #[arg(value_name = "ID")]
        id: String,
        /// Output format: text for people, JSON for scripts
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Lint proposals, council.toml, decision records and ballots
    #[command(
        after_help = "Examples:\n  council check\n  council check --base origin/main --format github --deny-warnings\n  council check --explain section-order"
    )]
    Check {
        /// Only report on these files or directories (the whole repository is still read)
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Also check every commit since REV (a branch, tag or commit): who changed what, and when
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
    #[command(
        after_help = "Examples:\n  council status 6 Discussion --discussions-to https://discuss.example.org/t/6\n  council status 2 Superseded --superseded-by 6"
    )]
    Status(cmd::status::Request),
    /// Open voting on a decision: write its record, and move its proposals to Voting
    #[command(
        after_help = "Examples:\n  council open lockfile --days 14\n  council open 0005 --closes 2026-12-15"
    )]
    Open(cmd::open::Request),
    /// Stop a running vote (the chair): proposals back to Discussion, record and ballots removed
    #[command(after_help = "Example:\n  council cancel lockfile --commit")]
    Cancel {
        /// The decision whose vote to stop
        #[arg(value_name = "DECISION")]
        decision: String,
        /// Act as this delegate id (default: the delegate with git's author email)
        #[arg(long = "as", value_name = "ID")]
        as_: Option<String>,
        /// Record the change as a git commit, made by `git commit`
        #[arg(long)]
        commit: bool,
    },
    /// Cast or replace your ballot on a decision
    #[command(
        after_help = "Examples:\n  council vote lockfile --rank \"0006 > 0007 = 0008 > none\"\n  council vote 0005 approve --comment \"a small, clear change\"\n  council vote lockfile --recuse\n  council vote lockfile --casting 0006"
    )]
    Vote(cmd::vote::Request),
    /// Count decisions, explaining every step
    #[command(
        after_help = "Examples:\n  council tally ballot-format\n  council tally --at v1.0 --format json"
    )]
    Tally {
        /// Decisions to count (default: every decision with a record in decisions/)
        #[arg(value_name = "DECISION")]
        decisions: Vec<String>,
        /// Count the files as they were at this git revision (a branch, tag or commit)
        #[arg(long, value_name = "REV")]
        at: Option<String>,
        /// Output format: text that explains each step, or JSON (an array, one object per decision)
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Close a decided vote: [closed] into its record, the outcome into its proposals
    #[command(after_help = "Example:\n  council close lockfile --commit")]
    Close {
        /// The decision to close
        #[arg(value_name = "DECISION")]
        decision: String,
        /// Record the change as a git commit, made by `git commit`
        #[arg(long)]
        commit: bool,
    },
    /// Check the whole history: forged or late ballots, transitions, outcomes, frozen text
    #[command(
        after_help = "Examples:\n  council audit\n  council audit --since v1.0 --format json"
    )]
    Audit {
        /// Only the commits since REV (a branch, tag or commit)
        #[arg(long, value_name = "REV")]
        since: Option<String>,
        #[command(flatten)]
        report: Report,
    },
    /// Write the record as a static HTML site: proposals, decisions, delegates, digest, feeds
    #[command(
        after_help = "Examples:\n  council render --out site            # then open site/index.html\n  council render --out public --base-url https://example.org/council/"
    )]
    Render {
        /// The folder to write (created; a previous render there is replaced, anything else refused)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Where the site will be served, for the feed, sitemap and links shared elsewhere
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Print shell completions
    #[command(
        after_help = "Example:\n  council completions bash > ~/.local/share/bash-completion/completions/council"
    )]
    Completions {
        /// The shell to complete in
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page, or write one page per command into a directory
    #[command(after_help = "Examples:\n  council man > council.1\n  council man --out man/man1")]
    Man {
        /// Write council.1 and one council-COMMAND.1 per command into DIR (created if missing; existing pages are refused)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

pub use crate::cmd::Ctx;

/// How `check` and `audit` report, and at which levels: the same flags for both.
#[derive(Debug, clap::Args)]
pub struct Report {
    /// Output format: human (rustc-style), json (one object), github (workflow annotations)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 on warnings too (such as history a shallow clone could not verify)
    #[arg(long)]
    pub deny_warnings: bool,
    /// Make RULE an error (repeatable; an unknown RULE is a usage error, exit 2)
    #[arg(short = 'D', long = "deny", value_name = "RULE")]
    pub deny: Vec<String>,
    /// Make RULE a warning (repeatable; rules that judge who may change what stay errors)
    #[arg(short = 'W', long = "warn", value_name = "RULE")]
    pub warn: Vec<String>,
    /// Silence RULE (repeatable; rules that judge who may change what stay errors)
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
    // A command asked for a machine format answers in it even when it cannot run.
    let report_format = match &cli.command {
        Command::Check { report, .. } | Command::Audit { report, .. } => Some(report.format),
        Command::List {
            format: ListFormat::Json,
            ..
        }
        | Command::Show {
            format: TextFormat::Json,
            ..
        }
        | Command::Tally {
            format: TextFormat::Json,
            ..
        } => Some(Format::Json),
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
            if let Some(format @ (Format::Json | Format::Github)) = report_format {
                let d = crate::diag::Diagnostic::failure(&err);
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
        Command::Init(req) => cmd::init::run(ctx, &mut out, req),
        Command::New(req) => cmd::new::run(ctx, &mut out, req),
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
        Command::Status(req) => cmd::status::run(ctx, &mut out, req),
        Command::Open(req) => cmd::open::run(ctx, &mut out, req),
        Command::Cancel {
            decision,
            as_,
            commit,
        } => cmd::cancel::run(ctx, &mut out, &decision, as_.as_deref(), commit),
        Command::Vote(req) => cmd::vote::run(ctx, &mut out, req),
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
            // clap_complete panics when its writer fails (a closed pipe): made in memory, then
            // written as every other output is.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "council", &mut script);
            out.write_all(&script)?;
            Ok(Exit::Success)
        }
        Command::Man { out: None } => {
            crate::manpage::page(&mut out, &Cli::command())?;
            Ok(Exit::Success)
        }
        Command::Man { out: Some(dir) } => {
            crate::manpage::write_all(ctx, &mut out, &dir, Cli::command())
        }
    }
}
