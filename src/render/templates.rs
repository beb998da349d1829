//! The site's templates (minijinja) and assets: embedded in the binary, each overridable by a
//! file of the same name in the governance repository's `theme/` folder.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use minijinja::{AutoEscape, Environment, Value as J, context};
use serde_json::{Value, json};

use super::model::Site;

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

/// Renders every file of the site into `sink`.
pub fn render_site(theme: &Theme, site: &Site, sink: &Sink) -> Result<()> {
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
        theme.render(
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
        )
    };
    // The proposal pages, in parallel: most of the work.
    let rendered = crate::repo::parallel_map(&site.proposals, |(path, v)| {
        let title = format!(
            "{} {}",
            v["p"]["num"].as_str().unwrap_or(""),
            v["p"]["title"].as_str().unwrap_or("")
        );
        let desc = v["description"].as_str().unwrap_or("");
        let html = page("proposal.html", path, &title, desc, J::from_serialize(v))?;
        sink.put(path, html.as_bytes())
    });
    rendered.into_iter().collect::<Result<()>>()?;
    let decisions = crate::repo::parallel_map(&site.decisions, |(path, v)| {
        let title = format!("Decision {}", v["name"].as_str().unwrap_or(""));
        let desc = format!(
            "The record, ballots and count of decision {}: {}.",
            v["name"].as_str().unwrap_or(""),
            v["state"].as_str().unwrap_or("")
        );
        let html = page("decision.html", path, &title, &desc, J::from_serialize(v))?;
        sink.put(path, html.as_bytes())
    });
    decisions.into_iter().collect::<Result<()>>()?;
    for (path, v) in &site.delegates {
        let title = format!("Delegate {}", v["name"].as_str().unwrap_or(""));
        let html = page(
            "delegate.html",
            path,
            &title,
            "A delegate's term and ballots.",
            J::from_serialize(v),
        )?;
        sink.put(path, html.as_bytes())?;
    }
    for (path, v) in &site.topics {
        let title = format!("Topic {}", v["name"].as_str().unwrap_or(""));
        let html = page(
            "topic.html",
            path,
            &title,
            "The proposals competing on one topic, side by side.",
            J::from_serialize(v),
        )?;
        sink.put(path, html.as_bytes())?;
    }
    let lists: [(&str, &str, &str, &str, Value); 8] = [
        (
            "index.html",
            "index.html",
            "Index of proposals",
            "Every proposal by status and type, with a filter and full-text search.",
            json!({"groups": site.groups, "facets": site.facets, "total": site.list.len()}),
        ),
        (
            "numerical.html",
            "numerical.html",
            "Proposals by number",
            "Every proposal in the order of its number.",
            json!({"rows": site.list}),
        ),
        (
            "digest.html",
            "digest.html",
            "Digest",
            "What is being voted on, who has yet to vote, open concerns, competing proposals and recent decisions.",
            site.digest.clone(),
        ),
        (
            "decisions.html",
            "decisions/index.html",
            "Decisions",
            "Every decision with a record.",
            json!({"decisions": site.decisions.iter().map(|(url, v)| json!({"url": url, "name": v["name"], "state": v["state"], "opened": v["opened"], "closes": v["closes"], "closed_at": v["closed_at"], "winners": v["winners"], "options": v["options"]})).collect::<Vec<_>>()}),
        ),
        (
            "delegates.html",
            "delegates/index.html",
            "Delegates",
            "The council's delegates.",
            json!({"delegates": site.delegates.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()}),
        ),
        (
            "topics.html",
            "topics/index.html",
            "Topics",
            "Topics on which proposals compete.",
            json!({"topics": site.topics.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()}),
        ),
        (
            "search.html",
            "search.html",
            "Search",
            "Full-text search over every proposal, offline.",
            json!({}),
        ),
        (
            "404.html",
            "404.html",
            "Page not found",
            "This page does not exist.",
            json!({}),
        ),
    ];
    for (template, path, title, desc, data) in lists {
        let html = page(template, path, title, desc, J::from_serialize(&data))?;
        sink.put(path, html.as_bytes())?;
    }
    let feed = theme.render(
        "feed.xml",
        context! { site => meta.clone(), events => J::from_serialize(&site.events),
        updated => site.events.first().and_then(|e| e["iso"].as_str()).unwrap_or(&site.generated) },
    )?;
    sink.put("feed.xml", feed.as_bytes())?;
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
    sink.put("index.json", &serde_json::to_vec(&site.index_json)?)?;
    sink.put("decisions.json", &serde_json::to_vec(&site.decisions_json)?)?;
    // A script, not JSON: browsers load scripts from file:// where they refuse fetch().
    let mut search = b"window.COUNCIL_SEARCH=".to_vec();
    search.extend(script_safe(&serde_json::to_string(&site.search)?).into_bytes());
    search.extend(b";\n");
    sink.put("search-index.js", &search)?;
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
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        // Into a fresh folder: a file written twice would be two pages at one path, a bug.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
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
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}
