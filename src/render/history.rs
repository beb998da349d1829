//! What git says about the record, for readers: when each proposal appeared and changed status,
//! when it was last modified, and when each vote was opened and closed. All git contact is in
//! [`crate::git`]; this only interprets the first-parent history it returns.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, FixedOffset};

use crate::git::{CommitInfo, Git};
use crate::model::proposal::Proposal;
use crate::model::record;

/// One commit, as a page shows it.
#[derive(Clone, Debug)]
pub struct Stamp {
    pub commit: String,
    pub short: String,
    pub date: DateTime<FixedOffset>,
    pub author: String,
    pub summary: String,
}

impl Stamp {
    fn of(c: &CommitInfo) -> Stamp {
        Stamp {
            commit: c.id.to_string(),
            short: c.short(),
            date: c.committed,
            author: c.author.clone(),
            summary: c.summary.clone(),
        }
    }
}

/// A proposal's status at one commit: `from` is `None` where the file appeared.
#[derive(Clone, Debug)]
pub struct StatusChange {
    pub from: Option<String>,
    pub to: String,
    pub at: Stamp,
}

/// One proposal file's history.
#[derive(Clone, Debug, Default)]
pub struct FileHistory {
    pub added: Option<Stamp>,
    pub modified: Option<Stamp>,
    pub statuses: Vec<StatusChange>,
}

/// Everything read from git, by path.
#[derive(Debug, Default)]
pub struct History {
    /// Whether there was a git history at all.
    pub available: bool,
    pub shallow: bool,
    pub files: HashMap<String, FileHistory>,
    /// Each decision record's first commit (the vote opened) and the commit that added
    /// `[closed]`.
    pub opened: HashMap<String, Stamp>,
    pub closed: HashMap<String, Stamp>,
    /// HEAD's commit, for the "check it yourself" box.
    pub head: Option<Stamp>,
    /// The pinned texts (blob ids) that git holds, of those asked for: the "check it yourself"
    /// box shows a text only where `git cat-file` can print it.
    pub pinned: std::collections::HashSet<String>,
}

impl History {
    /// Reads the history of the repository at `root`; an empty history where there is no git
    /// repository (a plain directory renders without dates from git).
    pub fn read<'p>(
        root: &Path,
        pins: impl IntoIterator<Item = &'p str>,
    ) -> anyhow::Result<History> {
        let Ok(git) = Git::open(root) else {
            return Ok(History::default());
        };
        let pinned = pins
            .into_iter()
            .filter(|hex| git.parse_id(hex).is_some_and(|id| git.blob(id).is_ok()))
            .map(str::to_owned)
            .collect();
        let log = git.first_parent_changes()?;
        let mut h = History {
            pinned,
            available: true,
            shallow: git.is_shallow(),
            ..History::default()
        };
        let status_of = |path: &str, blob| -> Option<String> {
            let text = crate::repo::decode(git.blob(blob).ok()?).ok()?;
            let p = Proposal::parse_front_matter(path, text)?;
            p.status.map(|s| s.value.to_string())
        };
        let mut current: HashMap<String, Option<String>> = HashMap::new();
        for (commit, changes) in &log {
            let stamp = Stamp::of(commit);
            // A shallow clone's oldest commit holds files whose past is not here: they are
            // there, not added, and their status is where they stand, not a change.
            let boundary = commit.shallow_boundary;
            for c in changes {
                if let Some(name) = c.path.strip_prefix("proposals/") {
                    if !name.ends_with(".md") || name.contains('/') {
                        continue;
                    }
                    let Some(new) = c.new else {
                        current.remove(&c.path);
                        continue;
                    };
                    let status = status_of(&c.path, new.id);
                    let f = h.files.entry(c.path.clone()).or_default();
                    let before = current.insert(c.path.clone(), status.clone()).flatten();
                    if boundary {
                        continue;
                    }
                    if f.added.is_none() {
                        f.added = Some(stamp.clone());
                    }
                    f.modified = Some(stamp.clone());
                    if let Some(to) = status
                        && before.as_ref() != Some(&to)
                    {
                        f.statuses.push(StatusChange {
                            from: before,
                            to,
                            at: stamp.clone(),
                        });
                    }
                } else if let Some(name) = c.path.strip_prefix(&format!("{}/", record::DIR)) {
                    let Some(decision) = name.strip_suffix(".toml") else {
                        continue;
                    };
                    match (c.old, c.new) {
                        _ if boundary => {}
                        (None, Some(_)) => {
                            h.opened.insert(decision.to_owned(), stamp.clone());
                            h.closed.remove(decision);
                        }
                        (Some(_), Some(new)) => {
                            let closed = git
                                .blob(new.id)
                                .ok()
                                .and_then(|b| crate::repo::decode(b).ok())
                                .and_then(|t| record::Record::parse(&c.path, decision, t).0)
                                .is_some_and(|r| r.is_closed());
                            if closed && !h.closed.contains_key(decision) {
                                h.closed.insert(decision.to_owned(), stamp.clone());
                            }
                        }
                        (Some(_), None) => {
                            h.opened.remove(decision);
                            h.closed.remove(decision);
                        }
                        (None, None) => {}
                    }
                }
            }
        }
        h.head = log.last().map(|(c, _)| Stamp::of(c));
        Ok(h)
    }
}
