//! `council list`: one row a proposal, filtered.

use std::io::Write;

use anyhow::Result;

use crate::Exit;
use crate::cli::ListFormat;
use crate::cmd::Ctx;
use crate::model::proposal::Proposal;
use crate::model::status::{Status, Type};
use crate::repo::Repo;

/// A proposal's front matter as JSON, with its path.
pub fn json(p: &Proposal) -> serde_json::Value {
    serde_json::Value::Object(fields(p))
}

/// A proposal's front matter as JSON, with its `path`.
pub fn fields(p: &Proposal) -> serde_json::Map<String, serde_json::Value> {
    let mut m = p.fields();
    m.insert("path".into(), p.file.clone().into());
    m
}

pub fn run(
    ctx: &Ctx,
    out: &mut dyn Write,
    statuses: &[Status],
    topic: Option<String>,
    kind: Option<Type>,
    format: ListFormat,
) -> Result<Exit> {
    let repo = Repo::load(&ctx.root()?)?;
    let mut rows: Vec<&Proposal> = repo
        .proposals
        .iter()
        .map(|p| &**p)
        .filter(|p| {
            statuses.is_empty()
                || p.status
                    .as_ref()
                    .is_some_and(|s| statuses.contains(&s.value))
        })
        .filter(|p| topic.is_none() || p.topic.as_ref().map(|t| &t.value) == topic.as_ref())
        .filter(|p| kind.is_none() || p.kind.as_ref().map(|k| k.value) == kind)
        .collect();
    rows.sort_by_key(|p| (p.id_value(), p.file.clone()));
    // A proposal that cannot be read is in no row: say so, on stderr (stdout stays the list).
    let unparsed = repo.unparsed_proposals();
    if !unparsed.is_empty() && !ctx.quiet {
        let mut err = std::io::stderr().lock();
        for d in &unparsed {
            let _ = writeln!(
                err,
                "warning: {}:{}:{}: not listed, it cannot be read: {} (council check)",
                d.file, d.line, d.column, d.message
            );
        }
    }
    match format {
        ListFormat::Json => {
            let all: Vec<_> =
                rows.iter()
                    .map(|p| {
                        let mut v = json(p);
                        // The decision record that names it, if any: the vote it is (or was) in.
                        let record = p.id.as_ref().and_then(|id| {
                            repo.records.iter().find(|r| r.option(id.value).is_some())
                        });
                        if let (serde_json::Value::Object(m), Some(r)) = (&mut v, record) {
                            m.insert(
                                "decision".into(),
                                serde_json::json!({
                                    "name": r.decision,
                                    "record": r.file,
                                    "opened": r.opened.to_rfc3339(),
                                    "closes": r.closes.to_rfc3339(),
                                    "state": r.closed.as_ref().map(|c| c.state.as_str()),
                                    "outcome": r.closed.as_ref().and_then(|c| p
                                        .option()
                                        .and_then(|o| c.outcome.get(&o))
                                        .map(|s| s.as_str())),
                                }),
                            );
                        }
                        v
                    })
                    .collect();
            writeln!(out, "{}", serde_json::Value::Array(all))?;
        }
        ListFormat::Table => {
            let cell = |p: &Proposal| {
                [
                    p.id.as_ref()
                        .map_or("?".into(), |i| format!("{:04}", i.value)),
                    p.status
                        .as_ref()
                        .map_or("?".into(), |s| s.value.to_string()),
                    p.kind.as_ref().map_or("?".into(), |k| k.value.to_string()),
                    p.topic.as_ref().map_or("-".into(), |t| t.value.clone()),
                    p.title_str().to_owned(),
                ]
            };
            let cells: Vec<_> = rows.iter().map(|p| cell(p)).collect();
            let head = ["ID", "STATUS", "TYPE", "TOPIC", "TITLE"];
            let mut w = head.map(str::len);
            for c in &cells {
                for (i, v) in c.iter().enumerate() {
                    w[i] = w[i].max(v.chars().count());
                }
            }
            let line = |c: [&str; 5]| {
                format!(
                    "{:w0$}  {:w1$}  {:w2$}  {:w3$}  {}",
                    c[0],
                    c[1],
                    c[2],
                    c[3],
                    c[4],
                    w0 = w[0],
                    w1 = w[1],
                    w2 = w[2],
                    w3 = w[3]
                )
            };
            if !ctx.quiet {
                writeln!(out, "{}", line(head))?;
            }
            for c in &cells {
                writeln!(
                    out,
                    "{}",
                    line([&c[0], &c[1], &c[2], &c[3], &c[4]]).trim_end()
                )?;
            }
        }
    }
    Ok(Exit::Success)
}
