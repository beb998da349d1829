//! The site as data: every page's content, built from the repository, the counts and git.
//! Templates only lay it out.
//!
//! What several pages share (each proposal's summary, the topics, the delegates, the order of
//! events) is built once by [`Site::build`]; each page's own data is built when that page is
//! rendered ([`Site::proposal_page`] and the like), so that pages are made in parallel and none
//! is held longer than it takes to write it. Page data is minijinja values, built directly: a
//! value that many pages show (a proposal's summary) is one value they share, not a copy each.
//! What the site writes as JSON (`index.json`, `decisions.json`, the search index) is built
//! with serde_json.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, FixedOffset, Utc};
use minijinja::Value as J;
use serde_json::{Value, json};

use super::history::{FileHistory, History, Stamp};
use super::markdown::{self, Body};
use crate::decision::{self, Decision, Tally};
use crate::model::proposal::Proposal;
use crate::model::record::Record;
use crate::model::status::{Status, Type};
use crate::repo::Repo;

/// A map for the templates, as serde_json's `json!` would give it them: `map! {"key": value}`,
/// each value anything minijinja converts (`None` is none).
macro_rules! map {
    ($($k:literal : $v:expr),* $(,)?) => {
        J::from_iter([$(($k, J::from($v))),*])
    };
}

/// A list for the templates.
fn seq<T: Into<J>>(items: impl IntoIterator<Item = T>) -> J {
    J::from(items.into_iter().map(Into::into).collect::<Vec<J>>())
}

/// An empty map for the templates.
pub fn empty() -> J {
    J::from_iter(std::iter::empty::<(&str, J)>())
}

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

/// One page: where it goes, its title and description, and its data for the template.
pub struct Page {
    pub path: String,
    pub title: String,
    pub description: String,
    pub data: J,
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

fn decision_url(name: &str) -> String {
    format!("decisions/{}.html", page_name(name))
}

fn delegate_url(id: &str) -> String {
    format!("delegates/{}.html", page_name(id))
}

/// A link target from the repository, if it may be one: http(s) or mailto only.
fn web_link(url: &str) -> Option<String> {
    (markdown::link_kind(url) == Some(markdown::LinkKind::Web)).then(|| url.trim().to_owned())
}

fn stamp(s: &Stamp) -> J {
    map! {
        "commit": &s.commit, "short": &s.short, "date": date(&s.date), "iso": iso(&s.date),
        "author": &s.author, "summary": &s.summary,
    }
}

/// `Name <email>` split, with a mailto link when the email is plain.
fn author(a: &str) -> J {
    match a.split_once('<') {
        Some((name, rest)) => {
            let email = rest.trim_end().trim_end_matches('>').trim();
            map! {"name": name.trim(), "email": email,
            "link": web_link(&format!("mailto:{email}"))}
        }
        None => map! {"name": a.trim(), "email": (), "link": ()},
    }
}

fn author_name(a: &str) -> String {
    a.split_once('<').map_or(a, |(n, _)| n).trim().to_owned()
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

/// A proposal as CSL-JSON cites it.
#[derive(serde::Serialize)]
struct Csl<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    title: String,
    author: Vec<CslName>,
    issued: CslDate,
    number: &'a str,
    publisher: &'a str,
    #[serde(rename = "URL")]
    url: &'a str,
    status: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct CslName {
    literal: String,
}

#[derive(serde::Serialize)]
struct CslDate {
    #[serde(rename = "date-parts")]
    date_parts: [[Option<i32>; 3]; 1],
}

/// What the pages need to know of each proposal, computed once.
struct Info<'r> {
    p: &'r Proposal,
    url: String,
    num: String,
    body: Body,
    history: Option<&'r FileHistory>,
    /// The decision record naming it, or else its decision by topic or id.
    decision: Option<String>,
    /// The outcome its decision's `[closed]` gives it.
    outcome: Option<&'static str>,
    status: Option<&'static str>,
}

/// An event, for the feed and the digest (they show the newest; only those are written out).
#[derive(Clone, Copy)]
enum Event {
    /// A proposal's status change (or its addition): the proposal and the change's index.
    Status(usize, usize),
    /// A proposal added, as its `created` dates it (no history from git).
    Created(usize),
    /// A record's vote opened, and closed (an index into the repository's records).
    Opened(usize),
    Closed(usize),
}

/// The site: what its pages share, from which each page's data is made.
pub struct Site<'r> {
    pub name: String,
    pub base_url: Option<String>,
    /// When the site was rendered (ISO 8601).
    pub generated: String,
    pub history: bool,
    /// The clone is shallow: what git says starts at its oldest commit.
    pub shallow: bool,
    repo: &'r Repo,
    hist: &'r History,
    now: DateTime<Utc>,
    infos: Vec<Info<'r>>,
    by_id: HashMap<u32, usize>,
    records: HashMap<&'r str, &'r Record>,
    by_topic: HashMap<&'r str, Vec<usize>>,
    replaced_by: HashMap<u32, Vec<usize>>,
    /// Every decision with a record, and its count.
    decisions: Vec<Decision<'r>>,
    tallies: HashMap<String, Tally>,
    /// Per proposal: a reference to it (`num`, `title`, `url`), as links show it.
    refs: Vec<J>,
    /// Each commit git named, as pages show it.
    commits: HashMap<&'r str, Shown>,
    /// Each recorded decision, as its proposals' pages and index entries show it.
    voted: HashMap<&'r str, Voted>,
    /// Per proposal: its summary, for lists and the index.
    list: Vec<J>,
    /// Newest first.
    events: Vec<(DateTime<FixedOffset>, Event)>,
    delegates: Vec<(String, J)>,
    topics: Vec<Topic<'r>>,
}

/// A commit as pages show it, made once for all the files it changed.
struct Shown {
    stamp: J,
    date: String,
    iso: String,
}

/// A decision as its proposals' pages and `index.json` entries show it: all but the outcome,
/// which is each proposal's own.
struct Voted {
    /// Its fields for the templates.
    fields: Vec<(&'static str, J)>,
    /// Its JSON, up to the outcome's value and from after it.
    head: String,
    tail: String,
}

/// A topic: its name, page and data, and its proposals.
struct Topic<'r> {
    name: &'r str,
    url: String,
    data: J,
    members: Vec<usize>,
}

impl<'r> Site<'r> {
    pub fn build(
        repo: &'r Repo,
        hist: &'r History,
        now: DateTime<Utc>,
        base_url: Option<String>,
    ) -> Site<'r> {
        // Page paths: by id (`0002.html`); a second file taking an id gets a page by its file
        // name, marked apart (`file-0002-x.html`) so that it never takes another id's page.
        let mut taken = BTreeSet::new();
        let mut proposals: Vec<&Proposal> = repo.proposals.iter().map(|p| &**p).collect();
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

        // Decisions, counted.
        // Indexes, so that nothing below searches a list per proposal.
        let record_of: HashMap<u32, &Record> = repo
            .records
            .iter()
            .flat_map(|r| r.options.iter().map(move |o| (o.id, &**r)))
            .collect();
        let records: HashMap<&str, &Record> = repo
            .records
            .iter()
            .rev()
            .map(|r| (r.decision.as_str(), &**r))
            .collect();
        // Every decision with a record.
        let decisions: Vec<Decision<'_>> = decision::decisions(repo)
            .into_iter()
            .filter(|d| d.record.is_some())
            .collect();
        let tallies: HashMap<String, Tally> = decisions
            .iter()
            .map(|d| d.name.clone())
            .zip(crate::repo::parallel_map(&decisions, |d| {
                decision::tally(d, now)
            }))
            .collect();

        let infos: Vec<Info<'_>> = proposals
            .iter()
            .zip(urls)
            .zip(bodies)
            .map(|((p, url), body)| {
                let decision = p
                    .id_value()
                    .and_then(|id| record_of.get(&id))
                    .map(|r| r.decision.clone())
                    .or_else(|| p.decision());
                let outcome = decision
                    .as_deref()
                    .and_then(|d| tallies.get(d))
                    .and_then(|t| {
                        let o = p.option()?;
                        let rec = records.get(t.decision.as_str())?;
                        rec.closed
                            .as_ref()
                            .and_then(|c| c.outcome.get(&o))
                            .map(|s| s.as_str())
                    });
                Info {
                    p,
                    num: p
                        .id_value()
                        .map_or_else(|| "????".into(), |id| format!("{id:04}")),
                    url,
                    body,
                    history: hist.files.get(&p.file),
                    decision,
                    outcome,
                    status: p.status_value().map(Status::as_str),
                }
            })
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
        let refs: Vec<J> = infos
            .iter()
            .map(|i| map! {"num": &i.num, "title": i.p.title_str(), "url": &i.url})
            .collect();

        // Each commit as pages show it, made once.
        let mut commits: HashMap<&str, Shown> = HashMap::new();
        let stamps = hist
            .files
            .values()
            .flat_map(|f| {
                f.added
                    .iter()
                    .chain(&f.modified)
                    .chain(f.statuses.iter().map(|s| &s.at))
            })
            .chain(hist.opened.values())
            .chain(hist.closed.values())
            .chain(&hist.head);
        for s in stamps {
            commits.entry(s.commit.as_str()).or_insert_with(|| Shown {
                stamp: stamp(s),
                date: date(&s.date),
                iso: iso(&s.date),
            });
        }

        // A proposal's summary, for lists and the index.
        let summary = |i: &Info<'_>| -> J {
            let p = i.p;
            let d = i.decision.as_deref();
            let t = d.and_then(|d| tallies.get(d));
            let has_page = d.filter(|d| tallies.contains_key(*d));
            map! {
                "id": p.id_value(),
                "num": &i.num,
                "url": &i.url,
                "title": p.title_str(),
                "status": i.status,
                "type": p.kind.as_ref().map(|k| k.value.as_str()),
                "topic": p.topic.as_ref().map(|t| t.value.as_str()),
                "topic_url": p.topic.as_ref().map(|t| format!("topics/{}.html", page_name(&t.value))),
                "authors": seq(p.authors.iter().map(|a| author_name(&a.value))),
                "authors_key": p.authors.iter().map(|a| author_name(&a.value).to_lowercase()).collect::<Vec<_>>().join("|"),
                "created": p.created.as_ref().map(|c| c.value.to_string()),
                "modified": i.history.and_then(|h| h.modified.as_ref()).map(|s| commits.get(s.commit.as_str()).map_or_else(|| date(&s.date), |c| c.date.clone())),
                "decision": has_page,
                "decision_url": has_page.map(decision_url),
                "decision_state": t.map(|t| t.state.as_str()),
                "outcome": i.outcome,
                "abstract": i.body.abstract_text.as_str(),
                // Shown on other pages (a topic's): its in-page links lead to its own page.
                // (comrak escapes every text, so `href="#` is only ever a real attribute.)
                "abstract_html": i.body.abstract_html.replace("href=\"#", &format!("href=\"../{}#", i.url)),
            }
        };
        let list: Vec<J> = crate::repo::parallel_map(&infos, summary);

        // Events, for the feed, the digest and each proposal's timeline: in the order they are
        // listed here, then newest first (a stable sort keeps that order within a date).
        let mut events: Vec<(DateTime<FixedOffset>, Event)> = Vec::new();
        for (i, info) in infos.iter().enumerate() {
            match info.history {
                Some(h) => {
                    events.extend(
                        h.statuses
                            .iter()
                            .enumerate()
                            .map(|(k, s)| (s.at.date, Event::Status(i, k))),
                    );
                }
                None => {
                    if let Some(c) = info.p.created.as_ref().and_then(|c| {
                        c.value
                            .and_hms_opt(0, 0, 0)
                            .map(|t| t.and_utc().fixed_offset())
                    }) {
                        events.push((c, Event::Created(i)));
                    }
                }
            }
        }
        for (k, r) in repo.records.iter().enumerate() {
            let opened = hist.opened.get(&r.decision).map_or(r.opened, |s| s.date);
            events.push((opened, Event::Opened(k)));
            if let Some(c) = &r.closed {
                let at = hist.closed.get(&r.decision).map_or(c.at, |s| s.date);
                events.push((at, Event::Closed(k)));
            }
        }
        events.sort_by_key(|e| std::cmp::Reverse(e.0));

        // Topics.
        let mut topic_map: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, info) in infos.iter().enumerate() {
            if let Some(t) = &info.p.topic {
                topic_map.entry(t.value.as_str()).or_default().push(i);
            }
        }
        let topics: Vec<Topic<'_>> = topic_map
            .into_iter()
            .map(|(t, members)| {
                let url = format!("topics/{}.html", page_name(t));
                let recorded = records.get(t).map(|_| decision_url(t));
                let data = map! {"name": t, "url": &url,
                "proposals": seq(members.iter().map(|&i| list[i].clone())),
                "decision_url": recorded,
                "decision_state": tallies.get(t).map(|x| x.state.as_str())};
                Topic {
                    name: t,
                    url,
                    data,
                    members,
                }
            })
            .collect();

        let mut site = Site {
            name: repo.council.name.clone(),
            base_url,
            generated: iso(&now.fixed_offset()),
            history: hist.available,
            shallow: hist.shallow,
            repo,
            hist,
            now,
            infos,
            by_id,
            records,
            by_topic,
            replaced_by,
            decisions,
            tallies,
            refs,
            commits,
            voted: HashMap::new(),
            list,
            events,
            delegates: Vec::new(),
            topics,
        };
        site.delegates = site.delegate_data();
        site.voted = site.voted_data();
        site
    }

    /// Each recorded decision as its proposals show it ([`Voted`]).
    fn voted_data(&self) -> HashMap<&'r str, Voted> {
        self.decisions
            .iter()
            .filter_map(|d| {
                let n = d.name.as_str();
                let t = self.tallies.get(n)?;
                let rec = *self.records.get(n)?;
                let closed = rec.closed.as_ref().map(|c| iso(&c.at));
                let winners = t.count.winner_names();
                let head = json!({
                    "name": n, "url": decision_url(n), "state": t.state.as_str(),
                    "closes": iso(&rec.closes), "closes_date": date(&rec.closes),
                    "closed": closed, "winners": winners,
                });
                let tail = json!({
                    "options": rec.options.iter().map(|x| self.reference_json(x.id)).collect::<Vec<_>>(),
                    "missing": t.missing,
                });
                let mut head = head.to_string();
                head.pop();
                head.push_str(",\"outcome\":");
                let mut tail = tail.to_string();
                tail.replace_range(..1, ",");
                let fields = vec![
                    ("name", J::from(n)),
                    ("url", J::from(decision_url(n))),
                    ("state", J::from(t.state.as_str())),
                    ("closes", J::from(iso(&rec.closes))),
                    ("closes_date", J::from(date(&rec.closes))),
                    ("closed", J::from(closed)),
                    ("winners", seq(winners)),
                    ("options", seq(rec.options.iter().map(|x| self.reference(x.id)))),
                    ("missing", seq(&t.missing)),
                ];
                Some((rec.decision.as_str(), Voted { fields, head, tail }))
            })
            .collect()
    }

    /// `s` as pages show it.
    fn stamp(&self, s: &Stamp) -> J {
        self.commits
            .get(s.commit.as_str())
            .map_or_else(|| stamp(s), |c| c.stamp.clone())
    }

    /// The date of `s`, as ISO 8601.
    fn iso(&self, s: &Stamp) -> String {
        self.commits
            .get(s.commit.as_str())
            .map_or_else(|| iso(&s.date), |c| c.iso.clone())
    }

    /// A reference to proposal `id`, as links show it: its number, title and page (none for
    /// an id no proposal has).
    fn reference(&self, id: u32) -> J {
        match self.by_id.get(&id) {
            Some(&i) => self.refs[i].clone(),
            None => map! {"num": format!("{id:04}"), "title": (), "url": ()},
        }
    }

    /// [`Site::reference`] as JSON.
    fn reference_json(&self, id: u32) -> Value {
        match self.by_id.get(&id) {
            Some(&i) => {
                let info = &self.infos[i];
                json!({"num": info.num, "title": info.p.title_str(), "url": info.url})
            }
            None => json!({"num": format!("{id:04}"), "title": null, "url": null}),
        }
    }

    pub fn proposals(&self) -> usize {
        self.infos.len()
    }

    pub fn decisions(&self) -> usize {
        self.decisions.len()
    }

    pub fn delegates(&self) -> &[(String, J)] {
        &self.delegates
    }

    pub fn topics(&self) -> usize {
        self.topics.len()
    }

    /// Proposal `i`'s decision, as its page shows it.
    fn proposal_decision(&self, i: usize) -> Option<J> {
        let info = &self.infos[i];
        let v = self.voted.get(info.decision.as_deref()?)?;
        Some(J::from_iter(v.fields.iter().cloned().chain([(
            // As the index row says: the outcome the record's [closed] holds.
            "outcome",
            J::from(info.outcome),
        )])))
    }

    /// Proposal `i`'s decision, as `index.json` shows it.
    fn proposal_decision_json(&self, i: usize) -> Option<String> {
        let info = &self.infos[i];
        let v = self.voted.get(info.decision.as_deref()?)?;
        let outcome = info
            .outcome
            .map_or_else(|| "null".into(), |o| Value::from(o).to_string());
        Some(format!("{}{outcome}{}", v.head, v.tail))
    }

    /// Proposal `i`'s page.
    pub fn proposal_page(&self, i: usize) -> Page {
        let info = &self.infos[i];
        let p = info.p;
        let d = self.proposal_decision(i);
        let statuses = info.history.map_or_else(Vec::new, |h| {
            h.statuses
                .iter()
                .map(|s| map! {"from": s.from.as_deref(), "to": &s.to, "at": self.stamp(&s.at)})
                .collect()
        });
        let competing: Vec<J> = p.topic.as_ref().map_or_else(Vec::new, |t| {
            self.by_topic
                .get(t.value.as_str())
                .into_iter()
                .flatten()
                .filter(|&&o| o != i)
                .map(|&o| &self.infos[o])
                .map(|o| map! {"num": &o.num, "title": o.p.title_str(), "url": &o.url, "status": o.status})
                .collect()
        });
        let year = p.created.as_ref().map(|c| c.value.format("%Y").to_string());
        let bib_key = format!("council{}", info.num);
        let url = self
            .base_url
            .as_ref()
            .map_or_else(|| info.url.clone(), |b| format!("{b}{}", info.url));
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
            bib_escape(&self.repo.council.name),
            p.status_value().map_or("?", Status::as_str),
            url,
        );
        let ymd = p.created.as_ref().map(|c| c.value);
        let csl = [Csl {
            id: &bib_key,
            kind: "report",
            title: format!("{}: {}", info.num, p.title_str()),
            author: p
                .authors
                .iter()
                .map(|a| CslName {
                    literal: author_name(&a.value),
                })
                .collect(),
            issued: CslDate {
                date_parts: [[
                    ymd.map(|d| d.year()),
                    ymd.map(|d| d.month() as i32),
                    ymd.map(|d| d.day() as i32),
                ]],
            },
            number: &info.num,
            publisher: &self.repo.council.name,
            url: &url,
            status: p.status_value().map(Status::as_str),
        }];
        let link_field = |v: &Option<crate::model::tomlv::Sp<String>>| {
            v.as_ref()
                .map(|s| map! {"text": &s.value, "link": web_link(&s.value)})
        };
        let data = map! {
            "p": self.list[i].clone(),
            "file": &p.file,
            "authors": seq(p.authors.iter().map(|a| author(&a.value))),
            "discussions_to": link_field(&p.discussions_to),
            "resolution": link_field(&p.resolution),
            "implementation": link_field(&p.implementation),
            "resolved": p.resolved.as_ref().map(|r| r.value.to_string()),
            "requires": seq(p.requires.iter().map(|r| self.reference(r.value))),
            "replaces": seq(p.replaces.iter().map(|r| self.reference(r.value))),
            "superseded_by": p.superseded_by.as_ref().map(|s| self.reference(s.value)),
            "replaced_by": seq(p.id_value().and_then(|id| self.replaced_by.get(&id)).into_iter().flatten().map(|&o| self.refs[o].clone())),
            "decision": d,
            "competing": competing,
            "statuses": statuses,
            "added": info.history.and_then(|h| h.added.as_ref()).map(|s| self.stamp(s)),
            "modified": info.history.and_then(|h| h.modified.as_ref()).map(|s| self.stamp(s)),
            "toc": seq(info.body.toc.iter().map(|h| map! {"level": h.level, "text": &h.text, "id": &h.id})),
            "body": info.body.html.as_str(),
            "bibtex": bibtex,
            "csl": serde_json::to_string_pretty(&csl).unwrap_or_default(),
            "description": info.body.abstract_text.as_str(),
        };
        Page {
            path: info.url.clone(),
            title: format!("{} {}", info.num, p.title_str()),
            description: info.body.abstract_text.clone(),
            data,
        }
    }

    /// Proposal `i`'s entry in `index.json`, written to `out`.
    pub fn index_entry(&self, i: usize, out: &mut Vec<u8>) -> serde_json::Result<()> {
        let info = &self.infos[i];
        let mut m = crate::cmd::list::fields(info.p);
        // `rules` only where they parse: broken rules are no rules to read.
        if info.p.rules.is_none() {
            m.remove("rules");
        }
        m.insert("url".into(), info.url.clone().into());
        m.insert(
            "last-modified".into(),
            info.history
                .and_then(|h| h.modified.as_ref())
                .map(|s| self.iso(s))
                .into(),
        );
        m.insert(
            "added".into(),
            info.history
                .and_then(|h| h.added.as_ref())
                .map(|s| self.iso(s))
                .into(),
        );
        m.insert(
            "status-history".into(),
            info.history
                .map_or_else(Vec::new, |h| {
                    h.statuses
                        .iter()
                        .map(|s| json!({"from": s.from, "to": s.to, "date": self.iso(&s.at), "commit": s.at.commit}))
                        .collect()
                })
                .into(),
        );
        let decision = self.proposal_decision_json(i);
        if m.contains_key("decision") {
            // The front matter has a `decision` of its own: it keeps its place.
            let d = decision.map_or(Ok(Value::Null), |d| serde_json::from_str(&d))?;
            m.insert("decision".into(), d);
            return serde_json::to_writer(out, &m);
        }
        // Inserted last: written after the rest, from the decision's JSON made once.
        serde_json::to_writer(&mut *out, &m)?;
        out.pop();
        if !m.is_empty() {
            out.push(b',');
        }
        out.extend_from_slice(b"\"decision\":");
        out.extend_from_slice(decision.as_deref().unwrap_or("null").as_bytes());
        out.push(b'}');
        Ok(())
    }

    /// The delegates' pages and data.
    fn delegate_data(&self) -> Vec<(String, J)> {
        let repo = self.repo;
        let voted: BTreeSet<(&str, &str)> = repo
            .ballots
            .iter()
            .map(|b| (b.decision.as_str(), b.delegate.as_str()))
            .collect();
        repo.council
            .delegates
            .iter()
            .map(|del| {
                let ballots: Vec<J> = repo
                    .ballots
                    .iter()
                    .filter(|b| b.delegate == del.id)
                    .map(|b| {
                        let x = b.ballot.as_ref();
                        map! {
                            "decision": &b.decision,
                            "url": self.tallies.contains_key(&b.decision).then(|| decision_url(&b.decision)),
                            "state": self.tallies.get(&b.decision).map(|t| t.state.as_str()),
                            "ranking": b.summary(),
                            "comment": x.and_then(|x| x.comment.as_deref()),
                            "concerns": seq(x.map(|x| x.concerns.as_slice()).unwrap_or_default()),
                            "cast": x.and_then(|x| x.cast.as_ref()).map(|c| iso(&c.value)),
                            "file": &b.file,
                        }
                    })
                    .collect();
                let elector_of: Vec<J> = repo
                    .records
                    .iter()
                    .filter(|r| r.elector(&del.id).is_some())
                    .map(|r| {
                        map! {"decision": &r.decision, "url": decision_url(&r.decision),
                              "voted": voted.contains(&(r.decision.as_str(), del.id.as_str())),
                              "state": self.tallies.get(&r.decision).map(|t| t.state.as_str())}
                    })
                    .collect();
                let authored: Vec<J> = self
                    .infos
                    .iter()
                    .zip(&self.list)
                    .filter(|(i, _)| i.p.authors.iter().any(|a| author_name(&a.value) == del.name))
                    .map(|(_, s)| s.clone())
                    .collect();
                let url = delegate_url(&del.id);
                let data = map! {
                    "id": &del.id, "name": &del.name, "email": &del.email, "url": &url,
                    "mail": web_link(&format!("mailto:{}", del.email)),
                    "key": del.key.as_deref(),
                    "chair": repo.council.chair.as_ref().is_some_and(|c| c.value == del.id),
                    "term_from": del.term.and_then(|t| t.0).map(|d| d.to_string()),
                    "term_to": del.term.and_then(|t| t.1).map(|d| d.to_string()),
                    "serving": del.serves_on(self.now.date_naive()),
                    "ballots": ballots,
                    "elector_of": elector_of,
                    "authored": authored,
                };
                (url, data)
            })
            .collect()
    }

    /// Delegate `j`'s page.
    pub fn delegate_page(&self, j: usize) -> Page {
        let (path, data) = &self.delegates[j];
        Page {
            path: path.clone(),
            title: format!("Delegate {}", self.repo.council.delegates[j].name),
            description: "A delegate's term and ballots.".into(),
            data: data.clone(),
        }
    }

    /// Topic `t`'s page.
    pub fn topic_page(&self, t: usize) -> Page {
        let t = &self.topics[t];
        Page {
            path: t.url.clone(),
            title: format!("Topic {}", t.name),
            description: "The proposals competing on one topic, side by side.".into(),
            data: t.data.clone(),
        }
    }

    /// The index's data: the proposals by status, then type, and the filter's choices.
    pub fn index_data(&self) -> J {
        let mut groups = Vec::new();
        for st in STATUS_ORDER {
            let in_status: Vec<usize> = (0..self.infos.len())
                .filter(|&i| self.infos[i].status == Some(st.as_str()))
                .collect();
            if in_status.is_empty() {
                continue;
            }
            let mut types = Vec::new();
            for ty in Type::ALL {
                let rows: Vec<J> = in_status
                    .iter()
                    .filter(|&&i| self.infos[i].p.kind.as_ref().map(|k| k.value) == Some(ty))
                    .map(|&i| self.list[i].clone())
                    .collect();
                if !rows.is_empty() {
                    types.push(map! {"type": ty.as_str(), "rows": rows});
                }
            }
            groups.push(map! {"status": st.as_str(), "count": in_status.len(), "types": types});
        }
        let odd: Vec<J> = self
            .infos
            .iter()
            .zip(&self.list)
            .filter(|(i, _)| i.status.is_none() || i.p.kind.is_none())
            .map(|(_, s)| s.clone())
            .collect();
        if !odd.is_empty() {
            groups.push(map! {"status": "Unknown", "count": odd.len(),
            "types": seq([map! {"type": "status or type invalid", "rows": odd}])});
        }
        let facets = map! {
            "statuses": seq(STATUS_ORDER.iter().filter(|st| self.infos.iter().any(|i| i.status == Some(st.as_str()))).map(|s| s.as_str())),
            "types": seq(Type::ALL.iter().map(|t| t.as_str())),
            "topics": seq(self.topics.iter().map(|t| t.name)),
            "authors": seq(self.infos.iter().flat_map(|i| i.p.authors.iter().map(|a| author_name(&a.value))).collect::<BTreeSet<_>>()),
        };
        map! {"groups": groups, "facets": facets, "total": self.list.len()}
    }

    /// Every proposal in the order of its number.
    pub fn numerical_data(&self) -> J {
        map! {"rows": self.list.clone()}
    }

    /// Every topic, with its proposals.
    pub fn topics_data(&self) -> J {
        map! {"topics": seq(self.topics.iter().map(|t| t.data.clone()))}
    }

    /// Every decision, from the rows [`Site::decision_page`] gives.
    pub fn decisions_data(rows: Vec<J>) -> J {
        map! {"decisions": rows}
    }

    /// Every delegate.
    pub fn delegates_data(&self) -> J {
        map! {"delegates": seq(self.delegates.iter().map(|(_, d)| d.clone()))}
    }

    /// An event as the feed and the digest show it, and its kind.
    fn event(&self, at: &DateTime<FixedOffset>, e: Event) -> J {
        let hist = self.hist;
        match e {
            Event::Status(i, k) => {
                let info = &self.infos[i];
                let s = &info.history.expect("a change from git").statuses[k];
                let title = format!("{} {}", info.num, info.p.title_str());
                let (kind, text) = match &s.from {
                    None => ("added", format!("{title}: added as {}", s.to)),
                    Some(f) => ("status", format!("{title}: {f} → {}", s.to)),
                };
                map! {"kind": kind, "title": text, "url": &info.url, "date": date(at),
                "iso": iso(at), "commit": &s.at.short, "summary": info.body.abstract_text.as_str(),
                "id": format!("{}#{}", info.url, s.at.commit)}
            }
            Event::Created(i) => {
                let info = &self.infos[i];
                let title = format!("{} {}", info.num, info.p.title_str());
                map! {"kind": "added", "title": format!("{title}: added"), "url": &info.url,
                "date": date(at), "iso": iso(at), "commit": (),
                "summary": info.body.abstract_text.as_str(), "id": &info.url}
            }
            Event::Opened(k) => {
                let r = &self.repo.records[k];
                let url = decision_url(&r.decision);
                map! {"kind": "opened", "title": format!("Vote opened on {} until {}", r.decision, iso(&r.closes)),
                "url": &url, "date": date(at), "iso": iso(at),
                "commit": hist.opened.get(&r.decision).map(|s| s.short.as_str()),
                "summary": format!("Options {}; electors {}; the window closes {}.",
                    r.option_names().join(", "),
                    r.electors.iter().map(|e| e.id.as_str()).collect::<Vec<_>>().join(", "),
                    iso(&r.closes)),
                "id": format!("{url}#opened")}
            }
            Event::Closed(k) => {
                let r = &self.repo.records[k];
                let c = r.closed.as_ref().expect("a closed record");
                let url = decision_url(&r.decision);
                let outcome: Vec<String> =
                    c.outcome.iter().map(|(k, v)| format!("{k} {v}")).collect();
                map! {"kind": "closed", "title": format!("Decision {} closed: {}", r.decision, c.state.as_str()),
                "url": &url, "date": date(at), "iso": iso(at),
                "commit": hist.closed.get(&r.decision).map(|s| s.short.as_str()),
                "summary": if outcome.is_empty() { c.state.as_str().to_owned() } else { outcome.join(", ") },
                "id": format!("{url}#closed")}
            }
        }
    }

    /// The feed's events (the newest hundred) and when it was last updated.
    pub fn feed(&self) -> (J, String) {
        let updated = self
            .events
            .first()
            .map_or_else(|| self.generated.clone(), |(at, _)| iso(at));
        let events = seq(self
            .events
            .iter()
            .take(100)
            .map(|(at, e)| self.event(at, *e)));
        (events, updated)
    }

    /// The digest: what is being voted on, recent decisions and changes, live topics.
    pub fn digest_data(&self) -> J {
        let repo = self.repo;
        let now_fixed = self.now.fixed_offset();
        let cutoff = now_fixed - chrono::Duration::days(RECENT_DAYS);
        let voting: Vec<J> = self
            .decisions
            .iter()
            .filter(|d| d.is_open())
            .map(|d| {
                let t = &self.tallies[&d.name];
                let r = d.record.expect("open decisions have records");
                map! {"name": &d.name, "url": decision_url(&d.name), "closes": iso(&r.closes),
                      "closes_date": date(&r.closes), "state": t.state.as_str(),
                      "window_over": now_fixed >= r.closes,
                      "options": seq(r.options.iter().map(|o| self.reference(o.id))),
                      "missing": seq(t.missing.iter().map(|m| map! {"id": m, "url": repo.council.delegate(m).map(|_| delegate_url(m))})),
                      "concerns": seq(t.concerns.iter().map(|(who, text)| map! {"delegate": who, "text": text})),
                      "leaders": seq(t.count.winner_names())}
            })
            .collect();
        let recent_decisions: Vec<J> = repo
            .records
            .iter()
            .filter_map(|r| {
                let c = r.closed.as_ref()?;
                (c.at >= cutoff).then(|| {
                    map! {"name": &r.decision, "url": decision_url(&r.decision), "at": date(&c.at),
                          "state": c.state.as_str(), "winners": seq(&c.winners),
                          "outcome": seq(c.outcome.iter().map(|(k, v)| map! {"option": k, "status": v.as_str(),
                              "ref": k.parse::<u32>().ok().map(|id| self.reference(id))}))}
                })
            })
            .collect();
        let recent_changes: Vec<J> = self
            .events
            .iter()
            .filter(|(at, e)| {
                *at >= cutoff
                    && match *e {
                        Event::Status(..) | Event::Created(_) => true,
                        Event::Opened(_) | Event::Closed(_) => false,
                    }
            })
            .take(50)
            .map(|(at, e)| self.event(at, *e))
            .collect();
        let live_topics: Vec<J> = self
            .topics
            .iter()
            .filter(|t| {
                t.members.iter().any(|&i| {
                    matches!(
                        self.infos[i].status,
                        Some("Draft" | "Discussion" | "Voting")
                    )
                })
            })
            .map(|t| t.data.clone())
            .collect();
        map! {
            "voting": voting,
            "recent_decisions": recent_decisions,
            "recent_changes": recent_changes,
            "topics": live_topics,
            "discussion": seq(self.infos.iter().zip(&self.list).filter(|(i, _)| i.status == Some("Discussion") && i.p.topic.is_none()).map(|(_, s)| s.clone())),
            "days": RECENT_DAYS,
        }
    }

    /// The search index: the words of every proposal, each to the proposals holding it, as
    /// JSON.
    pub fn search_index(&self) -> String {
        let mut terms: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, info) in self.infos.iter().enumerate() {
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
            let mut words: Vec<Cow<'_, str>> = all
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 2)
                .map(lowercase)
                .collect();
            words.sort_unstable();
            words.dedup();
            for w in words {
                match terms.get_mut(w.as_ref()) {
                    Some(docs) => docs.push(i),
                    None => {
                        terms.insert(w.into_owned(), vec![i]);
                    }
                }
            }
        }
        let mut terms: Vec<(String, Vec<usize>)> = terms.into_iter().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let docs: Vec<(&str, &str, &str, Option<&str>, &str)> = self
            .infos
            .iter()
            .map(|i| {
                (
                    i.num.as_str(),
                    i.p.title_str(),
                    i.url.as_str(),
                    i.status,
                    i.body.abstract_text.as_str(),
                )
            })
            .collect();
        /// The terms, in order, as a JSON object.
        struct Terms(Vec<(String, Vec<usize>)>);
        impl serde::Serialize for Terms {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
            }
        }
        #[derive(serde::Serialize)]
        struct Index<'a> {
            docs: Vec<(&'a str, &'a str, &'a str, Option<&'a str>, &'a str)>,
            terms: Terms,
        }
        serde_json::to_string(&Index {
            docs,
            terms: Terms(terms),
        })
        .unwrap_or_default()
    }

    /// Decision `k`'s page, its row in the list of decisions, and its count as JSON (for
    /// `decisions.json`).
    pub fn decision_page(&self, k: usize) -> (Page, J, Value) {
        let d = &self.decisions[k];
        let t = &self.tallies[&d.name];
        // The tally JSON, built once: in decisions.json and shown on the page.
        let r = d.record.expect("a page only for recorded decisions");
        let json = crate::cmd::tally::json(t);
        let shown = serde_json::to_string_pretty(&json).unwrap_or_default();
        let (data, options, winners) = self.decision_data(d, t, shown);
        let path = decision_url(&d.name);
        let row = map! {
            "url": &path, "name": &d.name, "state": t.state.as_str(), "opened": iso(&r.opened),
            "closes": iso(&r.closes), "closed_at": r.closed.as_ref().map(|c| iso(&c.at)),
            "winners": winners, "options": options,
        };
        let page = Page {
            path,
            title: format!("Decision {}", d.name),
            description: format!(
                "The record, ballots and count of decision {}: {}.",
                d.name,
                t.state.as_str()
            ),
            data,
        };
        (page, row, json)
    }

    /// One decision's page data: the record, the ballots, the count and how to reproduce it;
    /// and its options and winners (for the list of decisions).
    fn decision_data(&self, d: &Decision<'_>, t: &Tally, tally_json: String) -> (J, J, J) {
        let repo = self.repo;
        let hist = self.hist;
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
        let option_label = |name: &str| -> J {
            match name.parse::<u32>() {
                Ok(id) => self.reference(id),
                Err(_) => map! {"num": name, "title": "none of these", "url": ()},
            }
        };
        let matrix: Vec<J> = (0..n)
            .map(|i| {
                map! {
                    "option": option_label(&c.options[i]),
                    "winner": c.winners.contains(&i),
                    "dropped": c.dropped.iter().any(|x| x.option == i),
                    "cells": seq((0..n).map(|j| {
                        if i == j {
                            map! {"self": true}
                        } else {
                            let v = c.pairwise[i][j];
                            let w = c.pairwise[j][i];
                            map! {"v": v, "heat": format!("{:.2}", v as f64 / max as f64),
                                  "beats": v > w, "loses": v < w}
                        }
                    })),
                }
            })
            .collect();
        let none = c.none_index();
        let charts: Vec<J> = (0..none)
            .map(|i| {
                let name = &c.options[i];
                let for_ = c.pairwise[i][none];
                let against = c.pairwise[none][i];
                let ratio = r.ratio(name);
                let total = (for_ + against).max(1) as f64;
                let width = 400.0;
                let need = ratio.share();
                map! {
                    "option": option_label(name), "for": for_, "against": against,
                    "ratio": ratio.to_string(),
                    "for_w": format!("{:.1}", width * for_ as f64 / total),
                    "against_w": format!("{:.1}", width * against as f64 / total),
                    "against_x": format!("{:.1}", 10.0 + width * for_ as f64 / total),
                    "mark_x": format!("{:.1}", 10.0 + width * need),
                    "passes": ratio.passes(for_, against),
                    "empty": for_ + against == 0,
                }
            })
            .collect();
        let dropped: Vec<J> = c
            .dropped
            .iter()
            .map(|x| {
                let name = &c.options[x.option];
                let ratio = r.ratio(name);
                let why = x.explain(name, ratio, r.rules.quorum);
                let reason = match x.reason {
                    crate::tally::DropReason::Quorum => "quorum",
                    crate::tally::DropReason::Majority => "majority",
                };
                map! {"option": option_label(name), "reason": reason, "why": why}
            })
            .collect();
        let remaining = &c.remaining;
        let defeats: Vec<J> = c
            .defeats()
            .into_iter()
            .map(|(a, b, (x, y))| map! {"winner": &c.options[a], "loser": &c.options[b], "for": x, "against": y})
            .collect();
        let paths: Vec<J> = remaining
            .iter()
            .map(|&i| {
                map! {
                    "option": &c.options[i],
                    "cells": seq(remaining.iter().map(|&j| {
                        if i == j { map! {"self": true} } else {
                            let p = c.paths[i][j];
                            let stronger = crate::tally::cmp_strength(p, c.paths[j][i]) != std::cmp::Ordering::Less;
                            map! {"path": p.map(|(x, y)| format!("{x}:{y}")), "holds": stronger}
                        }
                    })),
                }
            })
            .collect();
        let ballots: Vec<J> = d
            .ballots
            .iter()
            .map(|b| {
                let x = b.ballot.as_ref();
                let excluded = t
                    .excluded
                    .iter()
                    .find(|(f, _)| *f == b.file)
                    .map(|(_, why)| why.as_str());
                map! {
                    "delegate": &b.delegate,
                    "url": repo.council.delegate(&b.delegate).map(|_| delegate_url(&b.delegate)),
                    "ranking": b.summary(),
                    "recuse": x.is_some_and(|x| x.recuse),
                    "comment": x.and_then(|x| x.comment.as_deref()),
                    "concerns": seq(x.map(|x| x.concerns.as_slice()).unwrap_or_default()),
                    "cast": x.and_then(|x| x.cast.as_ref()).map(|c| iso(&c.value)),
                    "file": &b.file,
                    "excluded": excluded,
                }
            })
            .collect();
        let options = seq(r.options.iter().map(|o| {
            let current = d
                .proposals
                .iter()
                .find(|p| p.file == o.file)
                .map(|p| self.repo.pins(o, p));
            let (num, title, url) = match self.by_id.get(&o.id) {
                Some(&i) => {
                    let info = &self.infos[i];
                    (
                        info.num.clone(),
                        Some(info.p.title_str()),
                        Some(info.url.as_str()),
                    )
                }
                None => (format!("{:04}", o.id), None, None),
            };
            map! {
                "num": num, "title": title, "url": url,
                "file": &o.file,
                "text": &o.text,
                "text_short": o.text.chars().take(12).collect::<String>(),
                "kind": o.kind.as_str(),
                "majority": o.majority.to_string(),
                "unchanged": current,
                "outcome": t.outcome.get(&o.name()).map(|s| s.as_str()),
            }
        }));
        let electors: Vec<J> = r
            .electors
            .iter()
            .map(|e| {
                map! {"id": &e.id, "email": &e.email, "key": e.key.as_deref(),
                "name": repo.council.delegate(&e.id).map(|x| x.name.as_str()),
                "url": repo.council.delegate(&e.id).map(|_| delegate_url(&e.id)),
                "voted": !t.missing.contains(&e.id),
                "recused": t.recused.contains(&e.id)}
            })
            .collect();
        let commit = hist
            .closed
            .get(&d.name)
            .or(hist.head.as_ref())
            .map(|s| s.short.clone());
        let mut commands = vec!["git clone <this repository> && cd <it>".to_owned()];
        if let Some(cm) = &commit {
            commands.push(format!("git checkout {cm}"));
        }
        commands.push(format!(
            "git log --format='%h %an %ad %s' -- {} votes/{}/",
            r.file, d.name
        ));
        // The pinned text, where git holds it (a record written without it pins a text the
        // history never had, and the box says so rather than print a command that fails).
        for o in &r.options {
            commands.push(if hist.pinned.contains(&o.text) {
                format!(
                    "git cat-file blob {}    # {} as the record pins it: the text voted on",
                    o.text, o.file
                )
            } else {
                format!(
                    "# {}: the pinned text {} is not in this repository's history",
                    o.file, o.text
                )
            });
        }
        commands.push(format!("council tally {}", d.name));
        commands.push(format!("council tally {} --format json", d.name));
        commands.push("council audit    # every ballot by its elector, in its window".to_owned());
        let winners = seq(c.winner_names().iter().map(|w| option_label(w)));
        let data = map! {
            "name": &d.name,
            "file": &r.file,
            "opened": iso(&r.opened),
            "closes": iso(&r.closes),
            "opened_commit": hist.opened.get(&d.name).map(|s| self.stamp(s)),
            "closed_commit": hist.closed.get(&d.name).map(|s| self.stamp(s)),
            "opened_by": &r.opened_by,
            "chair": r.chair.as_deref(),
            "options": options.clone(),
            "electors": electors,
            "rules": map! {
                "process": self.reference(r.process),
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
            "recused": seq(&t.recused),
            "missing": seq(&t.missing),
            "ballots": ballots,
            "matrix": matrix,
            "charts": charts,
            "dropped": dropped,
            "quorum": r.rules.quorum,
            "remaining": seq(remaining.iter().map(|&i| &c.options[i])),
            "only_none": *remaining == [none],
            "defeats": defeats,
            "paths": paths,
            "winners": winners.clone(),
            "casting": t.casting.as_deref().map(option_label),
            "outcome": seq(t.outcome.iter().map(|(k, v)| map! {"option": option_label(k), "status": v.as_str()})),
            "concerns": seq(t.concerns.iter().map(|(who, text)| map! {"delegate": who, "text": text})),
            "commands": seq(commands),
            "json": tally_json,
        };
        (data, options, winners)
    }
}

/// `w` in lower case, borrowed when it is already.
fn lowercase(w: &str) -> Cow<'_, str> {
    if w.bytes().all(|b| !b.is_ascii_uppercase() && b.is_ascii()) {
        Cow::Borrowed(w)
    } else {
        Cow::Owned(w.to_lowercase())
    }
}
