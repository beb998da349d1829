//! The site's templates (minijinja) and assets: embedded in the binary, each overridable by a
//! file of the same name in the governance repository's `theme/` folder.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use minijinja::{AutoEscape, Environment, Value as J, context};
use serde_json::json;

use super::model::{Page, Site};

/// The folder of a governance repository whose files replace the built-in ones.
pub const THEME_DIR: &str = "theme";

/// Templates rendered by minijinja (HTML ones escape every value unless marked safe).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("macros.html", include_str!("templates/macros.html")),
    ("index.html", include_str!("templates/index.html")),
    ("numerical.html", include_str!("templates/numerical.html")),
    ("proposal.html", include_str!("templates/proposal.html")),
    ("decision.html", include_str!("templates/decision.html")),
    ("decisions.html", include_str!("templates/decisions.html")),
    ("delegate.html", include_str!("templates/delegate.html")),
    ("delegates.html", include_str!("templates/delegates.html")),
    ("topic.html", include_str!("templates/topic.html")),
    ("topics.html", include_str!("templates/topics.html")),
    ("digest.html", include_str!("templates/digest.html")),
    ("search.html", include_str!("templates/search.html")),
    ("404.html", include_str!("templates/404.html")),
    ("feed.xml", include_str!("templates/feed.xml")),
    ("sitemap.xml", include_str!("templates/sitemap.xml")),
];

/// Files copied as they are.
pub const ASSETS: &[(&str, &str)] = &[
    ("style.css", include_str!("templates/style.css")),
    ("site.js", include_str!("templates/site.js")),
];

/// The paths (relative to the governance root) of every file `theme/` may hold.
pub fn theme_files() -> impl Iterator<Item = String> {
    TEMPLATES
        .iter()
        .chain(ASSETS)
        .map(|(name, _)| format!("{THEME_DIR}/{name}"))
}

/// The templates and assets in use: built in, with the repository's overrides.
pub struct Theme {
    env: Environment<'static>,
    assets: Vec<(String, String)>,
}

impl Theme {
    /// The built-in theme with every file of `root/theme/` that names a template or asset in
    /// its place. A file there that names neither is an error (a typo would go unnoticed).
    pub fn load(root: &Path) -> Result<Theme> {
        let dir = root.join(THEME_DIR);
        let mut overrides: BTreeMap<String, String> = BTreeMap::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries {
                let e = e.with_context(|| format!("cannot list {}", dir.display()))?;
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue;
                }
                let known = TEMPLATES.iter().chain(ASSETS).any(|(n, _)| *n == name);
                if !known {
                    let all: Vec<&str> = TEMPLATES.iter().chain(ASSETS).map(|(n, _)| *n).collect();
                    anyhow::bail!(
                        "{}: not a template or asset of council's site (those are {})",
                        e.path().display(),
                        all.join(", ")
                    );
                }
                let text = crate::repo::read_text(&e.path())
                    .map_err(|why| anyhow::anyhow!("{} {why}", e.path().display()))?;
                overrides.insert(name, text);
            }
        }
        Theme::with(overrides)
    }

    /// The built-in theme with `overrides` (file name to text).
    pub fn with(overrides: BTreeMap<String, String>) -> Result<Theme> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.add_filter("truncate", truncate);
        // HTML as minijinja escapes it; XML (feed, sitemap) escaped as XML, `/` left alone.
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".xml") {
                AutoEscape::Custom("xml")
            } else if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(|out, state, value| {
            if state.auto_escape() != AutoEscape::Custom("xml") {
                return minijinja::escape_formatter(out, state, value);
            }
            if value.is_undefined() || value.is_none() {
                return Ok(());
            }
            let text = value.to_string();
            let text = if value.is_safe() {
                text
            } else {
                xml_escape(&text)
            };
            out.write_str(&text).map_err(minijinja::Error::from)
        });
        env.add_filter("when", when);
        for (name, text) in TEMPLATES {
            let text = overrides.get(*name).cloned().unwrap_or((*text).to_owned());
            let origin = if overrides.contains_key(*name) {
                format!("{THEME_DIR}/{name}")
            } else {
                format!("the built-in {name}")
            };
            env.add_template_owned(*name, text)
                .map_err(|e| anyhow::anyhow!("{origin}: {}", describe(&e)))?;
        }
        let assets = ASSETS
            .iter()
            .map(|(n, t)| {
                (
                    (*n).to_owned(),
                    overrides.get(*n).cloned().unwrap_or((*t).to_owned()),
                )
            })
            .collect();
        Ok(Theme { env, assets })
    }

    fn render(&self, name: &str, ctx: J) -> Result<String> {
        let t = self.env.get_template(name)?;
        t.render(ctx)
            .map_err(|e| anyhow::anyhow!("template {name}: {}", describe(&e)))
    }
}

/// `s` cut to at most `n` characters at a word boundary, with an ellipsis when cut.
fn truncate(s: String, n: Option<usize>) -> String {
    let n = n.unwrap_or(255);
    if s.chars().count() <= n {
        return s;
    }
    let cut: String = s.chars().take(n).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > n / 2 => cut[..i].to_owned(),
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

/// An ISO 8601 UTC time (`2026-12-15T00:00:00Z`) as people read it: `2026-12-15 00:00 UTC`.
fn when(s: String) -> String {
    match chrono::DateTime::parse_from_rfc3339(&s) {
        Ok(t) => t
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%d %H:%M UTC")
            .to_string(),
        Err(_) => s,
    }
}

/// Text escaped for XML content and attributes.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A template error with its line.
fn describe(e: &minijinja::Error) -> String {
    match (e.name(), e.line()) {
        (Some(n), Some(l)) => format!("{n}:{l}: {e}"),
        _ => e.to_string(),
    }
}

/// How far a page at `path` is from the site's root, as a relative prefix.
fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// The list pages, in the order they are rendered: template, path, title, description.
const LISTS: [(&str, &str, &str, &str); 8] = [
    (
        "index.html",
        "index.html",
        "Index of proposals",
        "Every proposal by status and type, with a filter and full-text search.",
    ),
    (
        "numerical.html",
        "numerical.html",
        "Proposals by number",
        "Every proposal in the order of its number.",
    ),
    (
        "digest.html",
        "digest.html",
        "Digest",
        "What is being voted on, who has yet to vote, open concerns, competing proposals and recent decisions.",
    ),
    (
        "decisions.html",
        "decisions/index.html",
        "Decisions",
        "Every decision with a record.",
    ),
    (
        "delegates.html",
        "delegates/index.html",
        "Delegates",
        "The council's delegates.",
    ),
    (
        "topics.html",
        "topics/index.html",
        "Topics",
        "Topics on which proposals compete.",
    ),
    (
        "search.html",
        "search.html",
        "Search",
        "Full-text search over every proposal, offline.",
    ),
    (
        "404.html",
        "404.html",
        "Page not found",
        "This page does not exist.",
    ),
];

/// Which of [`LISTS`] is the list of decisions: made from the decisions' pages, after them.
const DECISIONS_LIST: usize = 3;

/// Proposals per part of `index.json` (each part is made by one job).
const INDEX_PART: usize = 500;

/// One piece of the site's work: the pieces are handed out to every core, largest first.
#[derive(Clone, Copy, Debug)]
enum Job {
    /// One of [`LISTS`].
    List(usize),
    Search,
    /// The entries of `index.json` for proposals `from..to`.
    Index(usize, usize),
    Feed,
    Proposal(usize),
    Decision(usize),
    Delegate(usize),
    Topic(usize),
}

impl Job {
    /// Where the job stands in the order the site is written in, which says whose failure is
    /// reported when several fail: the proposals' pages first, as a reader would meet them.
    fn order(self) -> (u8, usize) {
        match self {
            Job::Proposal(i) => (0, i),
            Job::Decision(k) => (1, k),
            Job::Delegate(j) => (2, j),
            Job::Topic(t) => (3, t),
            Job::List(l) => (4, l),
            Job::Feed => (5, 0),
            Job::Index(from, _) => (6, from),
            Job::Search => (7, 0),
        }
    }
}

/// What a job leaves for the files written last (the rest it writes itself).
enum Made {
    Nothing,
    /// A part of `index.json`: its entries, comma-separated.
    Index(Vec<u8>),
    Search(String),
    /// A decision's row in the list of decisions, and its count as JSON.
    Decision(J, Vec<u8>),
}

/// Runs `run` on every job, on every core: each thread takes the next job not yet taken, so
/// the threads stay busy until the last job. The outputs are in the jobs' order.
fn run_jobs<R: Send>(jobs: &[Job], run: impl Fn(Job) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len())
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Each thread keeps what it made with the job's index; all is put back in order at the end.
    let index = std::sync::Mutex::new(Vec::with_capacity(jobs.len()));
    let work = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&job) = jobs.get(k) else { break };
            done.push((k, run(job)));
        }
        if let Ok(mut all) = index.lock() {
            all.extend(done);
        }
    };
    std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        work();
        for h in others {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        }
    });
    let mut all = index.into_inner().unwrap_or_else(|e| e.into_inner());
    all.sort_unstable_by_key(|(k, _)| *k);
    all.into_iter().map(|(_, r)| r).collect()
}

/// Renders every file of the site into `sink`: the pages in parallel, each written as soon as
/// it is made (its data built then, and dropped with it).
pub fn render_site(theme: &Theme, site: &Site<'_>, sink: &Sink) -> Result<()> {
    let meta = json!({
        "name": site.name,
        "base_url": site.base_url,
        "generated": site.generated,
        "history": site.history,
        "shallow": site.shallow,
    });
    let meta = J::from_serialize(&meta);
    let page = |template: &str, path: &str, title: &str, description: &str, data: J| {
        let canonical = site.base_url.as_ref().map(|b| format!("{b}{path}"));
        let html = theme.render(
            template,
            context! {
                site => meta.clone(),
                root => root_of(path),
                path => path,
                title => title,
                description => description,
                canonical => canonical,
                data => data,
            },
        )?;
        sink.put(path, html.as_bytes())
    };
    let write = |template: &str, p: Page| page(template, &p.path, &p.title, &p.description, p.data);
    let list = |l: usize, data: J| {
        let (template, path, title, desc) = LISTS[l];
        page(template, path, title, desc, data)
    };

    // The largest pieces first (the index, the digest, the list of proposals), so that no
    // core is left with a long one at the end.
    let mut jobs = vec![
        Job::List(0),
        Job::List(2),
        Job::List(1),
        Job::List(5),
        Job::Search,
    ];
    let n = site.proposals();
    jobs.extend(
        (0..n)
            .step_by(INDEX_PART)
            .map(|from| Job::Index(from, (from + INDEX_PART).min(n))),
    );
    jobs.extend((0..site.decisions()).map(Job::Decision));
    jobs.extend((0..site.topics()).map(Job::Topic));
    jobs.extend((0..site.delegates().len()).map(Job::Delegate));
    jobs.extend([Job::List(4), Job::List(6), Job::List(7), Job::Feed]);
    jobs.extend((0..n).map(Job::Proposal));
    let made = run_jobs(&jobs, |job| -> Result<Made> {
        match job {
            Job::Proposal(i) => {
                write("proposal.html", site.proposal_page(i)).map(|()| Made::Nothing)
            }
            Job::Decision(k) => {
                let (p, row, json) = site.decision_page(k);
                write("decision.html", p)?;
                Ok(Made::Decision(row, serde_json::to_vec(&json)?))
            }
            Job::Delegate(j) => {
                write("delegate.html", site.delegate_page(j)).map(|()| Made::Nothing)
            }
            Job::Topic(t) => write("topic.html", site.topic_page(t)).map(|()| Made::Nothing),
            Job::List(l) => {
                let data = match l {
                    0 => site.index_data(),
                    1 => site.numerical_data(),
                    2 => site.digest_data(),
                    4 => site.delegates_data(),
                    5 => site.topics_data(),
                    _ => super::model::empty(),
                };
                list(l, data).map(|()| Made::Nothing)
            }
            Job::Feed => {
                let (events, updated) = site.feed();
                let feed = theme.render(
                    "feed.xml",
                    context! { site => meta.clone(), events => events, updated => updated },
                )?;
                sink.put("feed.xml", feed.as_bytes())
                    .map(|()| Made::Nothing)
            }
            Job::Index(from, to) => {
                let mut part = Vec::new();
                for i in from..to {
                    if i > from {
                        part.push(b',');
                    }
                    site.index_entry(i, &mut part)?;
                }
                Ok(Made::Index(part))
            }
            Job::Search => Ok(Made::Search(site.search_index())),
        }
    });
    // Whose failure is reported when several fail: the first in the order the site is
    // written in.
    let failed = jobs
        .iter()
        .zip(&made)
        .filter(|(_, m)| m.is_err())
        .map(|(j, _)| j.order())
        .min();
    let mut index = b"[".to_vec();
    let mut decisions = b"[".to_vec();
    let mut rows = Vec::new();
    let mut search = String::new();
    let mut error = None;
    for (j, m) in jobs.iter().zip(made) {
        match m {
            Ok(Made::Nothing) => {}
            Ok(Made::Index(part)) => {
                if index.len() > 1 {
                    index.push(b',');
                }
                index.extend(part);
            }
            Ok(Made::Decision(row, json)) => {
                if decisions.len() > 1 {
                    decisions.push(b',');
                }
                decisions.extend(json);
                rows.push(row);
            }
            Ok(Made::Search(s)) => search = s,
            Err(e) if failed == Some(j.order()) => error = Some(e),
            Err(_) => {}
        }
    }
    index.push(b']');
    decisions.push(b']');
    // The list of decisions, from their pages' rows: a failure before it is reported first.
    if let Some(e) = error.take_if(|_| failed < Some((4, DECISIONS_LIST))) {
        return Err(e);
    }
    list(DECISIONS_LIST, Site::decisions_data(rows))?;
    if let Some(e) = error {
        return Err(e);
    }
    let mut pages: Vec<String> = sink
        .paths
        .lock()
        .map_err(|_| anyhow::anyhow!("a render thread failed"))?
        .iter()
        .filter(|k| k.ends_with(".html") && *k != "404.html")
        .cloned()
        .collect();
    pages.sort();
    let sitemap = theme.render(
        "sitemap.xml",
        context! { site => meta.clone(), pages => pages },
    )?;
    sink.put("sitemap.xml", sitemap.as_bytes())?;
    sink.put("index.json", &index)?;
    sink.put("decisions.json", &decisions)?;
    // A script, not JSON: browsers load scripts from file:// where they refuse fetch().
    let mut script = b"window.COUNCIL_SEARCH=".to_vec();
    script.extend(script_safe(&search).into_bytes());
    script.extend(b";\n");
    sink.put("search-index.js", &script)?;
    for (name, text) in &theme.assets {
        sink.put(name, text.as_bytes())?;
    }
    sink.put(
        super::MARKER,
        b"This folder was written by `council render`; the next render replaces it whole.\n",
    )
}

/// Where the site's files go: a folder, written file by file as they are rendered (from
/// several threads), counted.
pub struct Sink {
    dir: std::path::PathBuf,
    paths: std::sync::Mutex<Vec<String>>,
    bytes: std::sync::atomic::AtomicU64,
}

impl Sink {
    pub fn new(dir: &Path) -> Sink {
        Sink {
            dir: dir.to_path_buf(),
            paths: Default::default(),
            bytes: Default::default(),
        }
    }

    /// Writes the file at `rel` (a `/`-separated path inside the site).
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(rel);
        // Into a fresh folder: a file written twice would be two pages at one path, a bug.
        let create = || {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
        };
        // Its folder is made with the folder's first file.
        let file = match create() {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create {}", parent.display()))?;
                }
                create()
            }
            other => other,
        };
        file.and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.bytes
            .fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
        self.paths
            .lock()
            .map_err(|_| anyhow::anyhow!("a render thread failed"))?
            .push(rel.to_owned());
        Ok(())
    }

    /// The summary of what was written.
    pub fn summary(&self) -> super::Summary {
        let paths = self.paths.lock().map(|p| p.clone()).unwrap_or_default();
        super::Summary {
            pages: paths.iter().filter(|p| p.ends_with(".html")).count(),
            files: paths.len(),
            bytes: self.bytes.load(std::sync::atomic::Ordering::Relaxed),
        }
    }
}

/// JSON made safe inside a script: no `</script>` or HTML comment openers, and no line
/// separators that old parsers end strings at.
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}
