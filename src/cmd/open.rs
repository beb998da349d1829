//! `council open DECISION`: writes the decision record and moves its proposals from Discussion
//! to Voting, in one change.

use std::io::Write;

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::cmd::Ctx;
use crate::cmd::edit::FrontMatterEdit;
use crate::decision::normalize;
use crate::model::record::{self, Elector, Record, RecordOption};
use crate::model::status::Status;
use crate::repo::Repo;
use crate::write::Plan;
use crate::{Exit, git, refuse};

/// The longest window a vote may have.
pub const MAX_DAYS: i64 = 365;

/// `--closes`: an RFC 3339 time, or a date (the window then closes at the end of that day, UTC).
pub fn parse_when(s: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        if t.timestamp_subsec_nanos() >= 1_000_000_000 {
            bail!(
                "`{s}` is a leap second, which a decision record cannot hold: give the second before it, or the next day's 00:00:00"
            );
        }
        if t.timestamp_subsec_nanos() != 0 {
            bail!("`{s}` has a fraction of a second: a decision record holds whole seconds");
        }
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let next = d
            .succ_opt()
            .ok_or_else(|| anyhow!("`{s}` is out of range"))?;
        return Ok(next.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    Err(anyhow!(
        "`{s}` is neither an RFC 3339 time (2026-12-15T00:00:00Z) nor a date (2026-12-15)"
    ))
}

/// What `open` is asked for (its command-line arguments).
#[derive(Debug, clap::Args)]
pub struct Request {
    /// The decision: a topic, or the id of a proposal without one
    #[arg(value_name = "DECISION")]
    pub decision: String,
    /// Length of the window in days, 1 to 365 (default: the rules' voting-days)
    #[arg(long, value_name = "N", conflicts_with = "closes", value_parser = clap::value_parser!(u32).range(1..=365))]
    pub days: Option<u32>,
    /// When the window closes: an RFC 3339 time (2026-12-15T12:00:00Z) or a date (the end of that day, UTC)
    #[arg(long, value_name = "WHEN")]
    pub closes: Option<String>,
    /// Open as this delegate id (default: the delegate with git's author email)
    #[arg(long = "as", value_name = "ID")]
    pub as_: Option<String>,
    /// Record the change as a git commit, made by `git commit`
    #[arg(long)]
    pub commit: bool,
}

pub fn run(ctx: &Ctx, out: &mut dyn Write, req: Request) -> Result<Exit> {
    let (root, lock) = ctx.writing()?;
    let repo = Repo::load(&root)?;
    repo.require_valid_config()?;
    let name = normalize(&req.decision);
    // The name becomes a file name: a topic, or a proposal's id as digits, nothing else.
    if !name.bytes().all(|b| b.is_ascii_digit())
        && let Err(why) = crate::model::proposal::check_topic(&name)
    {
        bail!("`{}` is not a decision name: {why}", req.decision);
    }
    if repo.record(&name).is_some() || repo.broken_records.contains(&name) {
        let closed = repo.record(&name).is_some_and(|r| r.is_closed());
        if closed {
            refuse!(
                "decision `{name}` was decided ({}): a closed decision's name is not reused; a later vote on the subject takes a new topic",
                record::path(&name)
            );
        }
        refuse!(
            "decision `{name}` is already being voted on ({}); `council cancel {name}` stops that vote",
            record::path(&name)
        );
    }
    // A competing proposal whose file does not parse would silently miss the vote.
    if let Some(d) = repo.unparsed_proposals().first() {
        refuse!(
            "{}:{}:{}: {}; this proposal cannot be read, so it would be left out of any vote it belongs to: fix it first (council check)",
            d.file,
            d.line,
            d.column,
            d.message
        );
    }
    let members: Vec<_> = repo
        .proposals
        .iter()
        .filter(|p| p.decision().as_deref() == Some(name.as_str()))
        .collect();
    if members.is_empty() {
        bail!(
            "no proposal belongs to decision `{name}` (a decision is a topic, or the id of a proposal without one)"
        );
    }
    let ready: Vec<_> = members
        .iter()
        .filter(|p| {
            p.status
                .as_ref()
                .is_some_and(|s| s.value == Status::Discussion)
        })
        .collect();
    if ready.is_empty() {
        let list: Vec<_> = members
            .iter()
            .map(|p| {
                format!(
                    "{} is {}",
                    p.option().unwrap_or_default(),
                    p.status
                        .as_ref()
                        .map_or("?".into(), |s| s.value.to_string())
                )
            })
            .collect();
        refuse!(
            "no proposal of decision `{name}` is in Discussion ({}): only proposals in Discussion go to Voting",
            list.join(", ")
        );
    }
    if let Some(v) = members
        .iter()
        .find(|p| p.status.as_ref().is_some_and(|s| s.value == Status::Voting))
    {
        refuse!(
            "{} is in Voting without a decision record: fix it first (council check)",
            v.file
        );
    }
    let (process, rules) = rules_in_force(&repo)?;
    let who = crate::cmd::acting(&root, &repo.council, req.as_.as_deref())?;
    let chair = repo.council.chair.as_ref().map(|c| c.value.clone());
    if rules.open_by_chair && chair.as_deref() != Some(who.id.as_str()) {
        refuse!(
            "the rules say only the chair opens a vote (open-by = \"chair\"), and {} is not the chair",
            who.id
        );
    }
    let opens = ctx.now.with_timezone(&Utc);
    let opens = DateTime::from_timestamp(opens.timestamp(), 0).unwrap_or(opens);
    let closes = match (req.days, &req.closes) {
        (_, Some(c)) => parse_when(c)?,
        (days, None) => {
            let days = days.unwrap_or(rules.voting_days);
            if !(1..=MAX_DAYS).contains(&i64::from(days)) {
                bail!("--days {days}: a window lasts 1 to {MAX_DAYS} days");
            }
            opens
                .checked_add_signed(Duration::days(i64::from(days)))
                .ok_or_else(|| anyhow!("--days {days} is out of range"))?
        }
    };
    if closes <= opens {
        refuse!(
            "the window would close at {} which is not after now ({})",
            closes.to_rfc3339(),
            opens.to_rfc3339()
        );
    }
    if closes - opens > Duration::days(MAX_DAYS) {
        refuse!(
            "the window would close at {}, more than {MAX_DAYS} days from now",
            closes.to_rfc3339()
        );
    }
    let day = opens.date_naive();
    let electors: Vec<Elector> = repo
        .council
        .delegates
        .iter()
        .filter(|d| d.serves_on(day))
        .map(|d| Elector {
            id: d.id.clone(),
            email: d.email.clone(),
            key: d.key.clone(),
        })
        .collect();
    if electors.is_empty() {
        refuse!("no delegate's term covers {day}: nobody could vote");
    }
    let committer = req
        .commit
        .then(|| git::Committer::prepare(&root))
        .transpose()?;
    if let Some(c) = &committer {
        crate::cmd::commit_as(
            c,
            &who.id,
            &who.email,
            who.key.as_deref(),
            &format!("the opening of `{name}`"),
        )?;
    }

    let mut ready = ready;
    ready.sort_by_key(|p| p.id_value());
    let mut writes = Vec::new();
    let mut options = Vec::new();
    let in_git = git::Git::open(&root).is_ok();
    for p in &ready {
        let (Some(id), Some(kind)) = (&p.id, &p.kind) else {
            bail!(
                "{} has no valid id or type: fix it first (council check)",
                p.file
            );
        };
        let mut e = FrontMatterEdit::open(&p.file, p.source.clone())?;
        e.set("status", "Voting");
        for stale in ["voting-opens", "voting-closes", "resolved"] {
            e.remove(stale);
        }
        let text = e.finish();
        options.push(RecordOption {
            id: id.value,
            file: p.file.clone(),
            // The pin is of the text as git will store it, which a checkout may not be
            // byte for byte (line endings converted on a Windows checkout, say).
            text: in_git
                .then(|| git::stored_id(&root, &p.file, text.as_bytes()))
                .flatten()
                .unwrap_or_else(|| git::blob_id(text.as_bytes())),
            kind: kind.value,
            majority: rules.majority_for(kind.value),
            span: 0..0,
        });
        writes.push((p.file.clone(), text));
    }
    let rec = Record {
        file: record::path(&name),
        source: String::new(),
        decision: name.clone(),
        opened: opens.fixed_offset(),
        closes: closes.fixed_offset(),
        opened_by: who.id.clone(),
        chair,
        options,
        electors,
        process,
        rules,
        closed: None,
        closed_span: None,
    };
    let mut plan = Plan::new();
    for (rel, text) in writes {
        plan.write(&rel, text);
    }
    plan.create(&rec.file, rec.render());
    plan.validate(&repo, ctx.now, &format!("opening `{name}`"))?;
    plan.apply(&root, &lock)?;
    // The files are written: `--commit` runs without the lock, as it may wait for a key.
    drop(lock);
    if !ctx.quiet {
        for p in &ready {
            writeln!(out, "{}: Discussion -> Voting", p.file)?;
        }
        writeln!(
            out,
            "wrote {}: voting on `{name}` is open until {}",
            rec.file,
            closes.to_rfc3339()
        )?;
    }
    if let Some(c) = committer {
        let short = c.commit(
            &plan.paths(&root),
            &format!("open({name}): voting until {}", closes.format("%Y-%m-%d")),
        )?;
        if !ctx.quiet {
            writeln!(out, "committed {short}")?;
        }
    }
    Ok(Exit::Success)
}

/// The process document's id and rules: it must exist, be an Accepted or Active process
/// document, and its rules must be valid. Never a default for a value that is present but wrong.
pub fn rules_in_force(repo: &Repo) -> Result<(u32, crate::model::rules::Rules)> {
    let Some(pid) = &repo.council.process else {
        bail!("council.toml names no `process` document: its [rules] decide how votes are counted");
    };
    let Some(p) = repo.process_document() else {
        bail!(
            "council.toml:{}: `process = {}` names no proposal in proposals/",
            crate::diag::locate(&repo.council.source, pid.span.clone()).0,
            pid.value
        );
    };
    if !p.is_process_in_force() {
        bail!(
            "{} is not an Accepted or Active process document, so its rules are not in force",
            p.file
        );
    }
    if let Some(d) = p.rules_problems.first() {
        return Err(crate::Located::of(d, "").into());
    }
    let rules = p
        .rules
        .as_ref()
        .map(|r| r.value.clone())
        .unwrap_or_default();
    Ok((pid.value, rules))
}
