//! The site as data: every page's content, built from the repository, the counts and git.
//! Templates only lay it out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Value, json};

use super::history::{History, Stamp};
use super::markdown::{self, Body};
use crate::decision::{self, Decision, Tally};
use crate::model::proposal::Proposal;
use crate::model::status::{Status, Type};
use crate::repo::Repo;

/// The order of the index's groups: what is alive first.
pub const STATUS_ORDER: [Status; 10] = [
    Status::Voting,
    Status::Discussion,
    Status::Draft,
    Status::Accepted,
    Status::Active,
    Status::Final,
    Status::Deferred,
    Status::Rejected,
    Status::Withdrawn,
    Status::Superseded,
];

/// How far back the digest looks.
pub const RECENT_DAYS: i64 = 90;

/// Every page's data.
#[derive(Debug, Default)]
pub struct Site {
    pub name: String,
    pub base_url: Option<String>,
    /// When the site was rendered (ISO 8601).
    pub generated: String,
    /// Per proposal: (page path, page data).
    pub proposals: Vec<(String, Value)>,
    pub decisions: Vec<(String, Value)>,
    pub delegates: Vec<(String, Value)>,
    pub topics: Vec<(String, Value)>,
    /// Summaries of every proposal, by id, for lists.
    pub list: Vec<Value>,
    /// The index's groups: status, then type.
    pub groups: Vec<Value>,
    pub digest: Value,
    pub events: Vec<Value>,
    pub index_json: Value,
    pub decisions_json: Value,
    pub search: Value,
    pub facets: Value,
    pub history: bool,
    /// The clone is shallow: what git says starts at its oldest commit.
    pub shallow: bool,
}

/// `s` if it is safe as a file name in the site; else a name made of its bytes in hex.
pub fn page_name(s: &str) -> String {
    let ok = !s.is_empty()
        && !s.starts_with('.')
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    // `index` is each folder's list page; anything else is spelled out in hex, and a long
    // name keeps its start and a hash of the whole, so two names never share a page.
    if ok && s != "index" {
        s.to_owned()
    } else {
        let hex: String = s.bytes().take(40).map(|b| format!("{b:02x}")).collect();
        if s.len() <= 40 {
            format!("x-{hex}")
        } else {
            let hash = s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            format!("x-{hex}-{hash:016x}")
        }
    }
}

fn date(d: &DateTime<FixedOffset>) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn iso(d: &DateTime<FixedOffset>) -> String {
    d.with_timezone(&Utc)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A link target from the repository, if it may be one: http(s) or mailto only.
fn web_link(url: &str) -> Option<String> {
    (markdown::link_kind(url) == Some(markdown::LinkKind::Web)).then(|| url.trim().to_owned())
}

fn stamp(s: &Stamp) -> Value {
    json!({
        "commit": s.commit, "short": s.short, "date": date(&s.date), "iso": iso(&s.date),
        "author": s.author, "summary": s.summary,
    })
}

/// `Name <email>` split, with a mailto link when the email is plain.
fn author(a: &str) -> Value {
    match a.split_once('<') {
        Some((name, rest)) => {
            let email = rest.trim_end().trim_end_matches('>').trim();
            json!({"name": name.trim(), "email": email,
                   "link": web_link(&format!("mailto:{email}"))})
        }
        None => json!({"name": a.trim(), "email": null, "link": null}),
    }
}

fn author_name(a: &str) -> String {
    a.split_once('<').map_or(a, |(n, _)| n).trim().to_owned()
}

/// What the pages need to know of each proposal, computed once.
struct Info<'r> {
    p: &'r Proposal,
    url: String,
    num: String,
    body: Body,
    history: Option<&'r super::history::FileHistory>,
    /// The decision record naming it, or else its decision by topic or id.
    decision: Option<String>,
}

impl Site {
    pub fn build(
        repo: &Repo,
        hist: &History,
        now: DateTime<Utc>,
        base_url: Option<String>,
    ) -> Site {
        let now_fixed = now.fixed_offset();
        // Page paths: by id (`0002.html`); a second file taking an id gets a page by its file
        // name, marked apart (`file-0002-x.html`) so that it never takes another id's page.
        let mut taken = BTreeSet::new();
        let mut proposals: Vec<&Proposal> = repo.proposals.iter().collect();
        proposals.sort_by_key(|p| (p.id_value(), p.file.clone()));
        let urls: Vec<String> = proposals
            .iter()
            .map(|p| {
                let stem = p
                    .file
                    .rsplit('/')
                    .next()
                    .unwrap_or(&p.file)
                    .trim_end_matches(".md");
                match p.id_value() {
                    Some(id) if taken.insert(id) => format!("proposals/{id:04}.html"),
                    _ => format!("proposals/file-{}.html", page_name(stem)),
                }
            })
            .collect();
        let by_id: HashMap<u32, usize> = proposals
            .iter()
            .enumerate()
            .rev()
            .filter_map(|(i, p)| p.id_value().map(|id| (id, i)))
            .collect();
        let known = |id: u32| by_id.contains_key(&id);
        let bodies = crate::repo::parallel_map(&proposals, |p| markdown::render(p.body(), &known));
        let record_of: HashMap<u32, &crate::model::record::Record> = repo
            .records
            .iter()
            .flat_map(|r| r.options.iter().map(move |o| (o.id, r)))
            .collect();
        let infos: Vec<Info<'_>> = proposals
            .iter()
            .zip(urls)
            .zip(bodies)
            .map(|((p, url), body)| Info {
                p,
                num: p
                    .id_value()
                    .map_or_else(|| "????".into(), |id| format!("{id:04}")),
                url,
                body,
                history: hist.files.get(&p.file),
                decision: p
                    .id_value()
                    .and_then(|id| record_of.get(&id))
                    .map(|r| r.decision.clone())
                    .or_else(|| p.decision()),
            })
            .collect();

        // Decisions, counted.
        // Indexes, so that nothing below searches a list per proposal.
        let records: HashMap<&str, &crate::model::record::Record> = repo
            .records
            .iter()
            .rev()
            .map(|r| (r.decision.as_str(), r))
            .collect();
        let voted: BTreeSet<(&str, &str)> = repo
            .ballots
            .iter()
            .map(|b| (b.decision.as_str(), b.delegate.as_str()))
            .collect();
        let mut by_topic: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut replaced_by: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, info) in infos.iter().enumerate() {
            if let Some(t) = &info.p.topic {
                by_topic.entry(t.value.as_str()).or_default().push(i);
            }
            for r in &info.p.replaces {
                replaced_by.entry(r.value).or_default().push(i);
            }
        }
        // Every decision with a record.
        let all_decisions: Vec<Decision<'_>> = decision::decisions(repo)
            .into_iter()
            .filter(|d| d.record.is_some())
            .collect();
        let tallies: HashMap<String, Tally> = all_decisions
            .iter()
            .map(|d| (d.name.clone(), decision::tally(d, now)))
            .collect();
        let decision_url = |name: &str| format!("decisions/{}.html", page_name(name));
        let has_page = |name: &str| tallies.contains_key(name);

        let reference = |id: u32| -> Value {
            match by_id.get(&id) {
                Some(&i) => {
                    json!({"num": infos[i].num, "title": infos[i].p.title_str(), "url": infos[i].url})
                }
                None => json!({"num": format!("{id:04}"), "title": null, "url": null}),
            }
        };

        // A proposal's summary, for lists and the index.
        let summary = |i: &Info<'_>| -> Value {
            let p = i.p;
            let d = i.decision.as_deref();
            let t = d.and_then(|d| tallies.get(d));
            let outcome = t.and_then(|t| {
                let o = p.option()?;
                let rec = records.get(t.decision.as_str())?;
                rec.closed
                    .as_ref()
                    .and_then(|c| c.outcome.get(&o))
                    .map(|s| s.as_str())
            });
            json!({
                "id": p.id_value(),
                "num": i.num,
                "url": i.url,
                "title": p.title_str(),
                "status": p.status_value().map(Status::as_str),
                "type": p.kind.as_ref().map(|k| k.value.as_str()),
                "topic": p.topic.as_ref().map(|t| t.value.clone()),
                "topic_url": p.topic.as_ref().map(|t| format!("topics/{}.html", page_name(&t.value))),
                "authors": p.authors.iter().map(|a| author_name(&a.value)).collect::<Vec<_>>(),
                "authors_key": p.authors.iter().map(|a| author_name(&a.value).to_lowercase()).collect::<Vec<_>>().join("|"),
                "created": p.created.as_ref().map(|c| c.value.to_string()),
                "modified": i.history.and_then(|h| h.modified.as_ref()).map(|s| date(&s.date)),
                "decision": d.filter(|d| has_page(d)),
                "decision_url": d.filter(|d| has_page(d)).map(decision_url),
                "decision_state": t.map(|t| t.state.as_str()),
                "outcome": outcome,
                "abstract": i.body.abstract_text,
                // Shown on other pages (a topic's): its in-page links lead to its own page.
                // (comrak escapes every text, so `href="#` is only ever a real attribute.)
                "abstract_html": i.body.abstract_html.replace("href=\"#", &format!("href=\"../{}#", i.url)),
            })
        };
        let list: Vec<Value> = infos.iter().map(summary).collect();

        // Events, for the feed, the digest and each proposal's timeline.
        let mut events: Vec<(DateTime<FixedOffset>, Value)> = Vec::new();
        for (i, info) in infos.iter().enumerate() {
            let title = format!("{} {}", info.num, info.p.title_str());
            match info.history {
                Some(h) => {
                    for s in &h.statuses {
                        let (kind, text) = match &s.from {
                            None => ("added", format!("{title}: added as {}", s.to)),
                            Some(f) => ("status", format!("{title}: {f} → {}", s.to)),
                        };
                        events.push((
                            s.at.date,
                            json!({"kind": kind, "title": text, "url": info.url, "date": date(&s.at.date),
                                   "iso": iso(&s.at.date), "commit": s.at.short, "summary": list[i]["abstract"],
                                   "id": format!("{}#{}", info.url, s.at.commit)}),
                        ));
                    }
                }
                None => {
                    if let Some(c) = info.p.created.as_ref().and_then(|c| {
                        c.value
                            .and_hms_opt(0, 0, 0)
                            .map(|t| t.and_utc().fixed_offset())
                    }) {
                        events.push((
                            c,
                            json!({"kind": "added", "title": format!("{title}: added"), "url": info.url,
                                   "date": date(&c), "iso": iso(&c), "commit": null,
                                   "summary": list[i]["abstract"], "id": info.url}),
                        ));
                    }
                }
            }
        }
        for r in &repo.records {
            let url = decision_url(&r.decision);
            let opened = hist.opened.get(&r.decision).map_or(r.opened, |s| s.date);
            events.push((
                opened,
                json!({"kind": "opened", "title": format!("Vote opened on {} until {}", r.decision, iso(&r.closes)),
                       "url": url, "date": date(&opened), "iso": iso(&opened),
                       "commit": hist.opened.get(&r.decision).map(|s| s.short.clone()),
                       "summary": format!("Options {}; electors {}; the window closes {}.",
                           r.option_names().join(", "),
                           r.electors.iter().map(|e| e.id.as_str()).collect::<Vec<_>>().join(", "),
                           iso(&r.closes)),
                       "id": format!("{url}#opened")}),
            ));
            if let Some(c) = &r.closed {
                let at = hist.closed.get(&r.decision).map_or(c.at, |s| s.date);
                let outcome: Vec<String> =
                    c.outcome.iter().map(|(k, v)| format!("{k} {v}")).collect();
                events.push((
                    at,
                    json!({"kind": "closed", "title": format!("Decision {} closed: {}", r.decision, c.state.as_str()),
                           "url": url, "date": date(&at), "iso": iso(&at),
                           "commit": hist.closed.get(&r.decision).map(|s| s.short.clone()),
                           "summary": if outcome.is_empty() { c.state.as_str().to_owned() } else { outcome.join(", ") },
                           "id": format!("{url}#closed")}),
                ));
            }
        }
        events.sort_by_key(|e| std::cmp::Reverse(e.0));

        // Proposal pages.
        let numbered: Vec<(usize, &Info<'_>)> = infos.iter().enumerate().collect();
        let proposal_pages: Vec<(String, Value)> = crate::repo::parallel_map(
            &numbered,
            |&(i, info)| {
                let p = info.p;
                let d = info.decision.as_deref().and_then(|n| {
                    let t = tallies.get(n)?;
                    let rec = records.get(n)?;
                    Some(json!({
                        "name": n, "url": decision_url(n), "state": t.state.as_str(),
                        "closes": iso(&rec.closes), "closes_date": date(&rec.closes),
                        "closed": rec.closed.as_ref().map(|c| iso(&c.at)),
                        "winners": t.count.winner_names(),
                        // As the index row says: the outcome the record's [closed] holds.
                        "outcome": list[i]["outcome"].clone(),
                        "options": rec.options.iter().map(|x| reference(x.id)).collect::<Vec<_>>(),
                        "missing": t.missing,
                    }))
                });
                let statuses: Vec<Value> = info.history.map_or_else(Vec::new, |h| {
                    h.statuses
                        .iter()
                        .map(|s| json!({"from": s.from, "to": s.to, "at": stamp(&s.at)}))
                        .collect()
                });
                let competing: Vec<Value> = p.topic.as_ref().map_or_else(Vec::new, |t| {
                    by_topic
                        .get(t.value.as_str())
                        .into_iter()
                        .flatten()
                        .filter(|&&o| o != i)
                        .map(|&o| &infos[o])
                        .map(|o| {
                            json!({"num": o.num, "title": o.p.title_str(), "url": o.url,
                                         "status": o.p.status_value().map(Status::as_str)})
                        })
                        .collect()
                });
                let year = p.created.as_ref().map(|c| c.value.format("%Y").to_string());
                let authors: Vec<Value> = p.authors.iter().map(|a| author(&a.value)).collect();
                let bib_key = format!("council{}", info.num);
                let bibtex = format!(
                    "@misc{{{bib_key},\n  title = {{{{{}: {}}}}},\n  author = {{{}}},\n  year = {{{}}},\n  note = {{{}, status {}}},\n  howpublished = {{\\url{{{}}}}}\n}}",
                    info.num,
                    bib_escape(p.title_str()),
                    p.authors
                        .iter()
                        .map(|a| bib_escape(&author_name(&a.value)))
                        .collect::<Vec<_>>()
                        .join(" and "),
                    year.clone().unwrap_or_default(),
                    bib_escape(&repo.council.name),
                    p.status_value().map_or("?", Status::as_str),
                    base_url
                        .as_ref()
                        .map_or_else(|| info.url.clone(), |b| format!("{b}{}", info.url)),
                );
                let csl = json!([{
                    "id": bib_key, "type": "report",
                    "title": format!("{}: {}", info.num, p.title_str()),
                    "author": p.authors.iter().map(|a| json!({"literal": author_name(&a.value)})).collect::<Vec<_>>(),
                    "issued": {"date-parts": [[p.created.as_ref().map(|c| c.value.format("%Y").to_string().parse::<i32>().unwrap_or(0)),
                                                  p.created.as_ref().map(|c| c.value.format("%m").to_string().parse::<i32>().unwrap_or(0)),
                                                  p.created.as_ref().map(|c| c.value.format("%d").to_string().parse::<i32>().unwrap_or(0))]]},
                    "number": info.num,
                    "publisher": repo.council.name,
                    "URL": base_url.as_ref().map_or_else(|| info.url.clone(), |b| format!("{b}{}", info.url)),
                    "status": p.status_value().map(Status::as_str),
                }]);
                let superseded_by = p.superseded_by.as_ref().map(|s| reference(s.value));
                let link_field = |v: &Option<crate::model::tomlv::Sp<String>>| {
                    v.as_ref()
                        .map(|s| json!({"text": s.value, "link": web_link(&s.value)}))
                };
                let page = json!({
                    "p": list[i],
                    "file": p.file,
                    "authors": authors,
                    "discussions_to": link_field(&p.discussions_to),
                    "resolution": link_field(&p.resolution),
                    "implementation": link_field(&p.implementation),
                    "resolved": p.resolved.as_ref().map(|r| r.value.to_string()),
                    "requires": p.requires.iter().map(|r| reference(r.value)).collect::<Vec<_>>(),
                    "replaces": p.replaces.iter().map(|r| reference(r.value)).collect::<Vec<_>>(),
                    "superseded_by": superseded_by,
                    "replaced_by": p.id_value().and_then(|id| replaced_by.get(&id)).into_iter().flatten().map(|&o| &infos[o])
                        .map(|o| json!({"num": o.num, "title": o.p.title_str(), "url": o.url})).collect::<Vec<_>>(),
                    "decision": d,
                    "competing": competing,
                    "statuses": statuses,
                    "added": info.history.and_then(|h| h.added.as_ref()).map(stamp),
                    "modified": info.history.and_then(|h| h.modified.as_ref()).map(stamp),
                    "toc": info.body.toc,
                    "body": info.body.html,
                    "bibtex": bibtex,
                    "csl": serde_json::to_string_pretty(&csl).unwrap_or_default(),
                    "description": info.body.abstract_text,
                });
                (info.url.clone(), page)
            },
        );

        // Decision pages.
        let mut decision_pages = Vec::new();
        let mut decisions_json = Vec::new();
        for d in &all_decisions {
            let t = &tallies[&d.name];
            // The tally JSON, built once: in decisions.json and shown on the page.
            let json = crate::cmd::tally::json(t);
            let shown = serde_json::to_string_pretty(&json).unwrap_or_default();
            decisions_json.push(json);
            decision_pages.push((
                decision_url(&d.name),
                decision_page(repo, d, t, hist, &reference, shown),
            ));
        }

        // Delegates.
        let delegates: Vec<(String, Value)> = repo
            .council
            .delegates
            .iter()
            .map(|del| {
                let ballots: Vec<Value> = repo
                    .ballots
                    .iter()
                    .filter(|b| b.delegate == del.id)
                    .map(|b| {
                        let x = b.ballot.as_ref();
                        json!({
                            "decision": b.decision,
                            "url": has_page(&b.decision).then(|| decision_url(&b.decision)),
                            "state": tallies.get(&b.decision).map(|t| t.state.as_str()),
                            "ranking": b.summary(),
                            "comment": x.and_then(|x| x.comment.clone()),
                            "concerns": x.map(|x| x.concerns.clone()).unwrap_or_default(),
                            "cast": x.and_then(|x| x.cast.as_ref()).map(|c| iso(&c.value)),
                            "file": b.file,
                        })
                    })
                    .collect();
                let elector_of: Vec<Value> = repo
                    .records
                    .iter()
                    .filter(|r| r.elector(&del.id).is_some())
                    .map(|r| {
                        json!({"decision": r.decision, "url": decision_url(&r.decision),
                               "voted": voted.contains(&(r.decision.as_str(), del.id.as_str())),
                               "state": tallies.get(&r.decision).map(|t| t.state.as_str())})
                    })
                    .collect();
                let url = format!("delegates/{}.html", page_name(&del.id));
                (
                    url.clone(),
                    json!({
                        "id": del.id, "name": del.name, "email": del.email, "url": url,
                        "mail": web_link(&format!("mailto:{}", del.email)),
                        "key": del.key,
                        "chair": repo.council.chair.as_ref().is_some_and(|c| c.value == del.id),
                        "term_from": del.term.and_then(|t| t.0).map(|d| d.to_string()),
                        "term_to": del.term.and_then(|t| t.1).map(|d| d.to_string()),
                        "serving": del.serves_on(now.date_naive()),
                        "ballots": ballots,
                        "elector_of": elector_of,
                        "authored": list.iter().filter(|s| s["authors"].as_array().is_some_and(|a| a.iter().any(|n| n.as_str() == Some(del.name.as_str())))).cloned().collect::<Vec<_>>(),
                    }),
                )
            })
            .collect();

        // Topics.
        let mut topic_map: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for s in &list {
            if let Some(t) = s["topic"].as_str() {
                topic_map.entry(t.to_owned()).or_default().push(s.clone());
            }
        }
        let topics: Vec<(String, Value)> = topic_map
            .iter()
            .map(|(t, ps)| {
                let url = format!("topics/{}.html", page_name(t));
                let recorded = records.get(t.as_str()).map(|_| decision_url(t));
                (
                    url.clone(),
                    json!({"name": t, "url": url, "proposals": ps, "decision_url": recorded,
                           "decision_state": tallies.get(t.as_str()).map(|x| x.state.as_str())}),
                )
            })
            .collect();

        // Index groups: status, then type.
        let mut groups = Vec::new();
        for st in STATUS_ORDER {
            let in_status: Vec<&Value> = list
                .iter()
                .filter(|s| s["status"].as_str() == Some(st.as_str()))
                .collect();
            if in_status.is_empty() {
                continue;
            }
            let mut types = Vec::new();
            for ty in Type::ALL {
                let rows: Vec<&Value> = in_status
                    .iter()
                    .copied()
                    .filter(|s| s["type"].as_str() == Some(ty.as_str()))
                    .collect();
                if !rows.is_empty() {
                    types.push(json!({"type": ty.as_str(), "rows": rows}));
                }
            }
            groups.push(json!({"status": st.as_str(), "count": in_status.len(), "types": types}));
        }
        let odd: Vec<&Value> = list
            .iter()
            .filter(|s| s["status"].is_null() || s["type"].is_null())
            .collect();
        if !odd.is_empty() {
            groups.push(json!({"status": "Unknown", "count": odd.len(),
                               "types": [{"type": "status or type invalid", "rows": odd}]}));
        }

        // The digest.
        let cutoff = now_fixed - chrono::Duration::days(RECENT_DAYS);
        let voting: Vec<Value> = all_decisions
            .iter()
            .filter(|d| d.is_open())
            .map(|d| {
                let t = &tallies[&d.name];
                let r = d.record.expect("open decisions have records");
                json!({"name": d.name, "url": decision_url(&d.name), "closes": iso(&r.closes),
                       "closes_date": date(&r.closes), "state": t.state.as_str(),
                       "window_over": now_fixed >= r.closes,
                       "options": r.options.iter().map(|o| reference(o.id)).collect::<Vec<_>>(),
                       "missing": t.missing.iter().map(|m| json!({"id": m, "url": repo.council.delegate(m).map(|_| format!("delegates/{}.html", page_name(m)))})).collect::<Vec<_>>(),
                       "concerns": t.concerns.iter().map(|(who, text)| json!({"delegate": who, "text": text})).collect::<Vec<_>>(),
                       "leaders": t.count.winner_names()})
            })
            .collect();
        let recent_decisions: Vec<Value> = repo
            .records
            .iter()
            .filter_map(|r| {
                let c = r.closed.as_ref()?;
                (c.at >= cutoff).then(|| {
                    json!({"name": r.decision, "url": decision_url(&r.decision), "at": date(&c.at),
                           "state": c.state.as_str(), "winners": c.winners,
                           "outcome": c.outcome.iter().map(|(k, v)| json!({"option": k, "status": v.as_str(),
                               "ref": k.parse::<u32>().ok().map(reference)})).collect::<Vec<_>>()})
                })
            })
            .collect();
        let recent_changes: Vec<Value> = events
            .iter()
            .filter(|(at, e)| {
                *at >= cutoff && matches!(e["kind"].as_str(), Some("status" | "added"))
            })
            .take(50)
            .map(|(_, e)| e.clone())
            .collect();
        let live_topics: Vec<Value> = topics
            .iter()
            .filter(|(_, t)| {
                t["proposals"].as_array().is_some_and(|ps| {
                    ps.iter().any(|p| {
                        matches!(
                            p["status"].as_str(),
                            Some("Draft" | "Discussion" | "Voting")
                        )
                    })
                })
            })
            .map(|(_, t)| t.clone())
            .collect();
        let digest = json!({
            "voting": voting,
            "recent_decisions": recent_decisions,
            "recent_changes": recent_changes,
            "topics": live_topics,
            "discussion": list.iter().filter(|s| s["status"].as_str() == Some("Discussion") && s["topic"].is_null()).cloned().collect::<Vec<_>>(),
            "days": RECENT_DAYS,
        });

        // Machine-readable index.
        let index_json: Vec<Value> = infos
            .iter()
            .enumerate()
            .map(|(i, info)| {
                let mut m = crate::cmd::list::fields(info.p);
                // `rules` only where they parse: broken rules are no rules to read.
                if info.p.rules.is_none() {
                    m.remove("rules");
                }
                m.insert("url".into(), info.url.clone().into());
                m.insert("last-modified".into(), info.history.and_then(|h| h.modified.as_ref()).map(|s| iso(&s.date)).into());
                m.insert("added".into(), info.history.and_then(|h| h.added.as_ref()).map(|s| iso(&s.date)).into());
                m.insert(
                    "status-history".into(),
                    info.history.map_or_else(Vec::new, |h| {
                        h.statuses
                            .iter()
                            .map(|s| json!({"from": s.from, "to": s.to, "date": iso(&s.at.date), "commit": s.at.commit}))
                            .collect()
                    }).into(),
                );
                m.insert("decision".into(), proposal_pages[i].1["decision"].clone());
                Value::Object(m)
            })
            .collect();

        // Search: the words of every proposal, each to the proposals holding it.
        let mut terms: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, info) in infos.iter().enumerate() {
            let mut words = BTreeSet::new();
            let all = format!(
                "{} {} {} {} {}",
                info.num,
                info.p.title_str(),
                info.p
                    .authors
                    .iter()
                    .map(|a| a.value.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                info.p.topic.as_ref().map_or("", |t| t.value.as_str()),
                info.body.text
            );
            for w in all
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 2)
            {
                words.insert(w.to_lowercase());
            }
            for w in words {
                terms.entry(w).or_default().push(i);
            }
        }
        let docs: Vec<Value> = list
            .iter()
            .map(|s| json!([s["num"], s["title"], s["url"], s["status"], s["abstract"]]))
            .collect();
        let search = json!({"docs": docs, "terms": terms});
        let facets = json!({
            "statuses": STATUS_ORDER.iter().filter(|st| list.iter().any(|s| s["status"].as_str() == Some(st.as_str()))).map(|s| s.as_str()).collect::<Vec<_>>(),
            "types": Type::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
            "topics": topic_map.keys().collect::<Vec<_>>(),
            "authors": list.iter().flat_map(|s| s["authors"].as_array().cloned().unwrap_or_default()).filter_map(|a| a.as_str().map(str::to_owned)).collect::<BTreeSet<_>>(),
        });

        Site {
            name: repo.council.name.clone(),
            base_url,
            generated: iso(&now_fixed),
            proposals: proposal_pages,
            decisions: decision_pages,
            delegates,
            topics,
            list,
            groups,
            digest,
            events: events.into_iter().take(100).map(|(_, e)| e).collect(),
            index_json: Value::Array(index_json),
            decisions_json: Value::Array(decisions_json),
            search,
            facets,
            history: hist.available,
            shallow: hist.shallow,
        }
    }
}

fn bib_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '{' | '}' | '\\' | '%' | '&' | '$' | '#' | '_' | '^' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// One decision's page: the record, the ballots, the count and how to reproduce it.
fn decision_page(
    repo: &Repo,
    d: &Decision<'_>,
    t: &Tally,
    hist: &History,
    reference: &dyn Fn(u32) -> Value,
    tally_json: String,
) -> Value {
    let r = d.record.expect("a page only for recorded decisions");
    let c = &t.count;
    let n = c.options.len();
    let max = c
        .pairwise
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let option_label = |name: &str| -> Value {
        match name.parse::<u32>() {
            Ok(id) => reference(id),
            Err(_) => json!({"num": name, "title": "none of these", "url": null}),
        }
    };
    let matrix: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "option": option_label(&c.options[i]),
                "winner": c.winners.contains(&i),
                "dropped": c.dropped.iter().any(|x| x.option == i),
                "cells": (0..n).map(|j| {
                    if i == j {
                        json!({"self": true})
                    } else {
                        let v = c.pairwise[i][j];
                        let w = c.pairwise[j][i];
                        json!({"v": v, "heat": format!("{:.2}", v as f64 / max as f64),
                               "beats": v > w, "loses": v < w})
                    }
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let none = c.none_index();
    let charts: Vec<Value> = (0..none)
        .map(|i| {
            let name = &c.options[i];
            let for_ = c.pairwise[i][none];
            let against = c.pairwise[none][i];
            let ratio = r.ratio(name);
            let total = (for_ + against).max(1) as f64;
            let width = 400.0;
            let need = ratio.share();
            json!({
                "option": option_label(name), "for": for_, "against": against,
                "ratio": ratio.to_string(),
                "for_w": format!("{:.1}", width * for_ as f64 / total),
                "against_w": format!("{:.1}", width * against as f64 / total),
                "against_x": format!("{:.1}", 10.0 + width * for_ as f64 / total),
                "mark_x": format!("{:.1}", 10.0 + width * need),
                "passes": ratio.passes(for_, against),
                "empty": for_ + against == 0,
            })
        })
        .collect();
    let dropped: Vec<Value> = c
        .dropped
        .iter()
        .map(|x| {
            let name = &c.options[x.option];
            let ratio = r.ratio(name);
            let why = x.explain(name, ratio, r.rules.quorum);
            json!({"option": option_label(name), "reason": x.reason, "why": why})
        })
        .collect();
    let remaining: Vec<usize> = c.remaining.clone();
    let defeats: Vec<Value> = c
        .defeats()
        .into_iter()
        .map(|(a, b, (x, y))| json!({"winner": c.options[a], "loser": c.options[b], "for": x, "against": y}))
        .collect();
    let paths: Vec<Value> = remaining
        .iter()
        .map(|&i| {
            json!({
                "option": c.options[i],
                "cells": remaining.iter().map(|&j| {
                    if i == j { json!({"self": true}) } else {
                        let p = c.paths[i][j];
                        let stronger = crate::tally::cmp_strength(p, c.paths[j][i]) != std::cmp::Ordering::Less;
                        json!({"path": p.map(|(x, y)| format!("{x}:{y}")), "holds": stronger})
                    }
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let ballots: Vec<Value> = d
        .ballots
        .iter()
        .map(|b| {
            let x = b.ballot.as_ref();
            let excluded = t.excluded.iter().find(|(f, _)| *f == b.file).map(|(_, why)| why.clone());
            json!({
                "delegate": b.delegate,
                "url": repo.council.delegate(&b.delegate).map(|_| format!("delegates/{}.html", page_name(&b.delegate))),
                "ranking": b.summary(),
                "recuse": x.is_some_and(|x| x.recuse),
                "comment": x.and_then(|x| x.comment.clone()),
                "concerns": x.map(|x| x.concerns.clone()).unwrap_or_default(),
                "cast": x.and_then(|x| x.cast.as_ref()).map(|c| iso(&c.value)),
                "file": b.file,
                "excluded": excluded,
            })
        })
        .collect();
    let options: Vec<Value> = r
        .options
        .iter()
        .map(|o| {
            let current = d
                .proposals
                .iter()
                .find(|p| p.file == o.file)
                .map(|p| o.pins(&p.source));
            let mut v = reference(o.id);
            if let Value::Object(m) = &mut v {
                m.insert("file".into(), o.file.clone().into());
                m.insert("text".into(), o.text.clone().into());
                m.insert(
                    "text_short".into(),
                    o.text.chars().take(12).collect::<String>().into(),
                );
                m.insert("kind".into(), o.kind.as_str().into());
                m.insert("majority".into(), o.majority.to_string().into());
                m.insert("unchanged".into(), current.into());
                m.insert(
                    "outcome".into(),
                    t.outcome.get(&o.name()).map(|s| s.as_str()).into(),
                );
            }
            v
        })
        .collect();
    let electors: Vec<Value> = r
        .electors
        .iter()
        .map(|e| {
            json!({"id": e.id, "email": e.email, "key": e.key,
                   "name": repo.council.delegate(&e.id).map(|x| x.name.clone()),
                   "url": repo.council.delegate(&e.id).map(|_| format!("delegates/{}.html", page_name(&e.id))),
                   "voted": !t.missing.contains(&e.id),
                   "recused": t.recused.contains(&e.id)})
        })
        .collect();
    let commit = hist
        .closed
        .get(&d.name)
        .or(hist.head.as_ref())
        .map(|s| s.short.clone());
    let mut commands = vec![format!("git clone <this repository> && cd <it>")];
    if let Some(cm) = &commit {
        commands.push(format!("git checkout {cm}"));
    }
    commands.push(format!(
        "git log --format='%h %an %ad %s' -- {} votes/{}/",
        r.file, d.name
    ));
    for o in &r.options {
        commands.push(format!(
            "git hash-object {}    # the text voted on: {}",
            o.file, o.text
        ));
    }
    commands.push(format!("council tally {}", d.name));
    commands.push(format!("council tally {} --format json", d.name));
    commands.push("council audit    # every ballot by its elector, in its window".to_owned());
    json!({
        "name": d.name,
        "file": r.file,
        "opened": iso(&r.opened),
        "closes": iso(&r.closes),
        "opened_commit": hist.opened.get(&d.name).map(stamp),
        "closed_commit": hist.closed.get(&d.name).map(stamp),
        "opened_by": r.opened_by,
        "chair": r.chair,
        "options": options,
        "electors": electors,
        "rules": {
            "process": reference(r.process),
            "quorum": r.rules.quorum,
            "min_ballots": r.rules.min_ballots.to_string(),
            "close_early": if r.rules.close_early { "yes" } else { "no" },
            "concerns_block": if r.rules.concerns_block { "yes" } else { "no" },
        },
        "state": t.state.as_str(),
        "is_open": d.is_open(),
        "closed_at": r.closed.as_ref().map(|c| iso(&c.at)),
        "cast": t.cast,
        "abstained": t.abstained,
        "required": t.required,
        "recused": t.recused,
        "missing": t.missing,
        "ballots": ballots,
        "matrix": matrix,
        "charts": charts,
        "dropped": dropped,
        "quorum": r.rules.quorum,
        "remaining": remaining.iter().map(|&i| c.options[i].clone()).collect::<Vec<_>>(),
        "only_none": remaining == [none],
        "defeats": defeats,
        "paths": paths,
        "winners": c.winner_names().iter().map(|w| option_label(w)).collect::<Vec<_>>(),
        "casting": t.casting.as_ref().map(|w| option_label(w)),
        "outcome": t.outcome.iter().map(|(k, v)| json!({"option": option_label(k), "status": v.as_str()})).collect::<Vec<_>>(),
        "concerns": t.concerns.iter().map(|(who, text)| json!({"delegate": who, "text": text})).collect::<Vec<_>>(),
        "commands": commands,
        "json": tally_json,
    })
}
