//! `council render`: the record as a static site for readers (issue 9).
//!
//! The site's model is built here as data from the repository, the counts
//! ([`crate::decision`]) and git ([`history`]); templates ([`templates`]) turn it into HTML, XML
//! and JSON. Every string from the repository reaches HTML through the template engine, which
//! escapes it; the only markup passed through is comrak's, with raw HTML escaped and links
//! checked ([`markdown`]).

pub mod history;
pub mod markdown;
pub mod model;
pub mod templates;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

use crate::repo::Repo;

/// What a render is asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub out: PathBuf,
    /// Where the site will be served (`https://example.org/council/`), for the feed, the
    /// sitemap, canonical links and OpenGraph; without it those use relative links.
    pub base_url: Option<String>,
    pub now: DateTime<Utc>,
}

/// What a render wrote.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

/// The file that marks a folder as a site council rendered: only such a folder (or an empty
/// one) is replaced by a new render.
pub const MARKER: &str = ".council-site";

/// Renders the repository at `root` into `req.out`.
pub fn render(root: &Path, repo: &Repo, req: &Request) -> Result<Summary> {
    let base_url = req.base_url.as_deref().map(check_base_url).transpose()?;
    let out = check_out(root, &req.out)?;
    let theme = templates::Theme::load(root)?;
    let pins = repo
        .records
        .iter()
        .flat_map(|r| r.options.iter().map(|o| o.text.as_str()));
    let history = history::History::read(root, pins)?;
    let site = model::Site::build(repo, &history, req.now, base_url.clone());
    write_site(&out, |sink| templates::render_site(&theme, &site, sink))
}

/// The base URL, ending in `/`; only http(s).
fn check_base_url(url: &str) -> Result<String> {
    let parsed = url::Url::parse(url)
        .map_err(|e| anyhow::anyhow!("--base-url `{url}` is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        anyhow::bail!("--base-url `{url}` must be an http or https URL");
    }
    let mut s = parsed.to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
}

/// Refuses an output folder that would overwrite something council did not render (an
/// existing file, a non-empty folder without [`MARKER`]), or that lies in the repository's own
/// folders (its root, the governed folders, `.git`) or reaches out of it through a link.
/// Returns the folder as the file system resolves it: the site is written there.
fn check_out(root: &Path, out: &Path) -> Result<PathBuf> {
    let abs = std::env::current_dir()?.join(out);
    if fs::symlink_metadata(&abs).is_ok_and(|m| m.file_type().is_symlink()) {
        crate::refuse!(
            "{} exists and is not a folder (a symbolic link): council never writes through one",
            out.display()
        );
    }
    let real = resolved(&abs);
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // A link on the way (committed in the repository, say) must not carry the site elsewhere:
    // a path written inside the repository stays inside it, and never reaches .git.
    if normalize(&abs).starts_with(&root) && !real.starts_with(&root) {
        crate::refuse!(
            "--out {} passes through a symbolic link that leads out of the repository ({}): give a real folder",
            out.display(),
            real.display()
        );
    }
    if real.starts_with(root.join(".git")) {
        crate::refuse!(
            "--out {} is inside .git: give a folder of its own, such as `site`",
            out.display()
        );
    }
    if real == root {
        crate::refuse!(
            "--out {} is the governance repository itself: give a folder of its own, such as `site`",
            out.display()
        );
    }
    for governed in crate::git::GOVERNED_FOLDERS {
        if real.starts_with(root.join(governed)) {
            crate::refuse!(
                "--out {} is inside {governed}/, which council reads: give a folder of its own, such as `site`",
                out.display()
            );
        }
    }
    match fs::symlink_metadata(&real) {
        Err(_) => {}
        Ok(m) if m.is_dir() => {
            let mut entries = fs::read_dir(&real)
                .with_context(|| format!("cannot read {}", out.display()))?
                .peekable();
            if entries.peek().is_some() && !real.join(MARKER).is_file() {
                crate::refuse!(
                    "{} exists and is not a site council rendered (it has no {MARKER}): council never overwrites a folder unasked; give a new or empty folder",
                    out.display()
                )
            }
        }
        Ok(_) => crate::refuse!(
            "{} exists and is not a folder: council never overwrites a file unasked",
            out.display()
        ),
    }
    Ok(real)
}

/// `p` as the file system resolves it: its deepest part that exists, with every link followed
/// (and `..` taken after them, as the system does), then the rest, which does not exist yet and
/// so holds no link.
fn resolved(p: &Path) -> PathBuf {
    let mut existing = p.to_path_buf();
    let mut rest = Vec::new();
    while fs::symlink_metadata(&existing).is_err() {
        let Some(last) = existing.components().next_back() else {
            break;
        };
        rest.push(last.as_os_str().to_owned());
        existing.pop();
    }
    let mut real = existing.canonicalize().unwrap_or(existing);
    for part in rest.iter().rev() {
        if part == ".." {
            real.pop();
        } else if part != "." {
            real.push(part);
        }
    }
    real
}

/// `p` with `.` and `..` taken lexically: where the path says it is, links aside.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Writes the site: every file into a fresh folder beside `out` (`fill` writes them into the
/// sink it is given), then that folder in place of `out` (a previous render is removed only
/// once the new one is complete; a failed render leaves it as it was).
fn write_site(out: &Path, fill: impl FnOnce(&templates::Sink) -> Result<()>) -> Result<Summary> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.council-{pid}.tmp"));
    let old = parent.join(format!(".{name}.council-{pid}.old"));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    let sink = templates::Sink::new(&tmp);
    if let Err(e) = fill(&sink) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if fs::symlink_metadata(out).is_ok() {
        // A previous site goes whole; a file git tracks there that the new site does not
        // hold is not the site's (a marker committed beside a folder's own files, say).
        let kept: Vec<String> = crate::git::tracked_under(out)
            .into_iter()
            .filter(|f| f != MARKER && !tmp.join(f).is_file())
            .collect();
        if let Some(first) = kept.first() {
            let _ = fs::remove_dir_all(&tmp);
            crate::refuse!(
                "{} holds {} that git tracks and the site does not ({}{}): council never deletes them; move them, or give another folder",
                out.display(),
                crate::emit::plural(kept.len(), "file"),
                out.join(first).display(),
                if kept.len() > 1 { ", ..." } else { "" }
            );
        }
        fs::rename(out, &old).with_context(|| format!("cannot replace {}", out.display()))?;
    }
    if let Err(e) = fs::rename(&tmp, out) {
        let _ = fs::rename(&old, out);
        let _ = fs::remove_dir_all(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", out.display()));
    }
    remove_tree(&old);
    Ok(sink.summary())
}

/// Removes the previous render at `dir`, best effort, its files unlinked from several threads at
/// once: files written by the render before are often still being written back to disk, and
/// the kernel then takes milliseconds per unlink, mostly waiting (outside the folder's lock), so
/// unlinks in parallel overlap those waits (10,000 pages: 8-16 s one by one, ~1 s this way).
fn remove_tree(dir: &Path) {
    const THREADS: usize = 8;
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                _ => files.push(e.path()),
            }
        }
    }
    let chunk = files.len().div_ceil(THREADS).max(1);
    std::thread::scope(|s| {
        for part in files.chunks(chunk) {
            s.spawn(move || {
                for f in part {
                    let _ = fs::remove_file(f);
                }
            });
        }
    });
    // What is left: the folders, now empty (and anything that could not be removed above).
    let _ = fs::remove_dir_all(dir);
}
