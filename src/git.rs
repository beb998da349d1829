//! The only module that talks to git (through git2). Everything else sees plain data.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use git2::{IndexEntry, IndexTime, Repository};

/// The user's git identity (`user.name`, `user.email`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// git's configuration as the `git` command reads it for `dir`: system (unless
/// `GIT_CONFIG_NOSYSTEM`), global (`GIT_CONFIG_GLOBAL`, else ~/.gitconfig and the XDG file), and
/// the repository's own. libgit2 alone ignores those two variables.
fn config(dir: &Path) -> Option<git2::Config> {
    use git2::ConfigLevel;
    let mut cfg = git2::Config::new().ok()?;
    let add = |cfg: &mut git2::Config, path: PathBuf, level| {
        if path.is_file() {
            let _ = cfg.add_file(&path, level, false);
        }
    };
    if std::env::var_os("GIT_CONFIG_NOSYSTEM").is_none()
        && let Ok(p) = git2::Config::find_system()
    {
        add(&mut cfg, p, ConfigLevel::System);
    }
    match std::env::var_os("GIT_CONFIG_GLOBAL") {
        Some(p) => add(&mut cfg, PathBuf::from(p), ConfigLevel::Global),
        None => {
            if let Ok(p) = git2::Config::find_xdg() {
                add(&mut cfg, p, ConfigLevel::XDG);
            }
            if let Ok(p) = git2::Config::find_global() {
                add(&mut cfg, p, ConfigLevel::Global);
            }
        }
    }
    if let Ok(repo) = Repository::discover(dir) {
        add(&mut cfg, repo.path().join("config"), ConfigLevel::Local);
    }
    Some(cfg)
}

/// Reads the identity git would use in `dir`.
pub fn identity(dir: &Path) -> Identity {
    let Some(config) = config(dir) else {
        return Identity::default();
    };
    let get = |k: &str| config.get_string(k).ok().filter(|s| !s.trim().is_empty());
    Identity {
        name: get("user.name"),
        email: get("user.email"),
    }
}

/// Records the given files (paths under `root`) as one commit on HEAD, by the user's identity,
/// leaving anything else the user staged untouched. Returns the short id of the commit.
pub fn commit_files(root: &Path, files: &[PathBuf], message: &str) -> Result<String> {
    let repo = Repository::discover(root).map_err(|_| {
        anyhow!(
            "--commit needs a git repository, and {} is not inside one (run `git init` first)",
            root.display()
        )
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| anyhow!("--commit needs a work tree, and this repository is bare"))?
        .canonicalize()?;
    let who = identity(root);
    let (Some(name), Some(email)) = (who.name, who.email) else {
        bail!(
            "--commit needs your git identity: set user.name and user.email (git config --global user.email you@example.org)"
        );
    };
    let sig = git2::Signature::now(&name, &email).context("invalid git identity")?;
    let parent = match repo.head() {
        Ok(h) => Some(h.peel_to_commit().context("cannot read HEAD")?),
        Err(_) => None,
    };
    let mut tree_index = git2::Index::new()?;
    if let Some(p) = &parent {
        tree_index.read_tree(&p.tree()?)?;
    }
    let mut real_index = repo.index().context("cannot open the git index")?;
    for file in files {
        let abs = file.canonicalize().unwrap_or_else(|_| file.clone());
        let rel = abs
            .strip_prefix(&workdir)
            .with_context(|| format!("{} is outside the git work tree", file.display()))?
            .to_path_buf();
        let rel_str = rel
            .to_str()
            .ok_or_else(|| anyhow!("{} is not a UTF-8 path", rel.display()))?
            .replace('\\', "/");
        if abs.exists() {
            let oid = repo.blob_path(&abs)?;
            let size = std::fs::metadata(&abs)?.len();
            tree_index.add(&IndexEntry {
                ctime: IndexTime::new(0, 0),
                mtime: IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: 0o100644,
                uid: 0,
                gid: 0,
                file_size: u32::try_from(size).unwrap_or(u32::MAX),
                id: oid,
                flags: 0,
                flags_extended: 0,
                path: rel_str.clone().into_bytes(),
            })?;
            real_index.add_path(&rel)?;
        } else {
            let _ = tree_index.remove_path(&rel);
            let _ = real_index.remove_path(&rel);
        }
    }
    let tree_id = tree_index.write_tree_to(&repo)?;
    if let Some(p) = &parent
        && p.tree_id() == tree_id
    {
        bail!("nothing to commit: the files are already committed as they are");
    }
    let tree = repo.find_tree(tree_id)?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let oid = repo
        .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .context("cannot create the commit")?;
    real_index.write().context("cannot update the git index")?;
    Ok(oid.to_string()[..7].to_owned())
}

/// A git object id, opaque outside this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(git2::Oid);

impl ObjectId {
    /// The abbreviated id (7 hex digits), as commits are named in messages.
    pub fn short(&self) -> String {
        self.0.to_string()[..7].to_owned()
    }
}

impl std::fmt::Display for ObjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What history checks need to know of a commit.
#[derive(Clone, Debug)]
pub struct CommitInfo {
    pub id: ObjectId,
    pub author: String,
    pub email: String,
    /// Author date.
    pub time: chrono::DateTime<chrono::FixedOffset>,
    /// Committer date.
    pub committed: chrono::DateTime<chrono::FixedOffset>,
    pub summary: String,
    pub parents: Vec<ObjectId>,
    /// A shallow clone's boundary: the parents exist but were not fetched.
    pub shallow_boundary: bool,
}

impl CommitInfo {
    pub fn short(&self) -> String {
        self.id.short()
    }

    /// "1a2b3c4 (Ada Lovelace <ada@example.org>)"
    pub fn describe(&self) -> String {
        format!("{} ({} <{}>)", self.short(), self.author, self.email)
    }
}

/// A file that a commit added, changed or removed, relative to the governance root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

/// A governance repository's git history.
pub struct Git {
    repo: Repository,
    /// The governance root relative to the work tree ("" when they coincide).
    prefix: String,
    shallow: std::collections::HashSet<git2::Oid>,
}

fn time_of(t: git2::Time) -> chrono::DateTime<chrono::FixedOffset> {
    use chrono::TimeZone;
    let offset = chrono::FixedOffset::east_opt(t.offset_minutes() * 60)
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("UTC"));
    offset
        .timestamp_opt(t.seconds(), 0)
        .single()
        .unwrap_or_else(|| offset.timestamp_opt(0, 0).single().expect("epoch"))
}

impl Git {
    /// Opens the git repository holding `root`; says why when there is none.
    pub fn open(root: &Path) -> Result<Git> {
        let repo = Repository::discover(root).map_err(|_| {
            anyhow!(
                "{} is not in a git repository, so there is no history to read (council check and tally work without one)",
                root.display()
            )
        })?;
        let workdir = repo
            .workdir()
            .ok_or_else(|| anyhow!("the git repository at {} is bare", repo.path().display()))?
            .canonicalize()?;
        let root = root.canonicalize()?;
        let prefix = root
            .strip_prefix(&workdir)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let shallow = std::fs::read_to_string(repo.path().join("shallow"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| git2::Oid::from_str(l.trim()).ok())
            .collect();
        Ok(Git {
            repo,
            prefix,
            shallow,
        })
    }

    pub fn is_shallow(&self) -> bool {
        !self.shallow.is_empty() || self.repo.is_shallow()
    }

    fn full(&self, rel: &str) -> String {
        if self.prefix.is_empty() {
            rel.to_owned()
        } else {
            format!("{}/{rel}", self.prefix)
        }
    }

    /// Resolves a revision (a branch, tag, `HEAD~3`, an id) to a commit.
    pub fn resolve(&self, rev: &str) -> Result<ObjectId> {
        let obj = self.repo.revparse_single(rev).map_err(|e| {
            let hint = if self.is_shallow() {
                " (this is a shallow clone: fetch more history, e.g. `git fetch --unshallow`)"
            } else {
                ""
            };
            anyhow!("cannot resolve revision `{rev}`: {}{hint}", e.message())
        })?;
        let commit = obj
            .peel_to_commit()
            .map_err(|_| anyhow!("`{rev}` does not name a commit"))?;
        Ok(ObjectId(commit.id()))
    }

    pub fn commit(&self, id: ObjectId) -> Result<CommitInfo> {
        let c = self.repo.find_commit(id.0)?;
        let author = c.author();
        let parents: Vec<ObjectId> = c.parent_ids().map(ObjectId).collect();
        Ok(CommitInfo {
            id,
            author: author.name().unwrap_or("?").to_owned(),
            email: author.email().unwrap_or("").to_owned(),
            time: time_of(author.when()),
            committed: time_of(c.committer().when()),
            summary: c.summary().ok().flatten().unwrap_or("").to_owned(),
            shallow_boundary: self.shallow.contains(&id.0),
            parents,
        })
    }

    /// The commits reachable from HEAD and not from `since`, oldest first (parents before
    /// children).
    pub fn commits(&self, since: Option<ObjectId>) -> Result<Vec<CommitInfo>> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        walk.push_head()
            .map_err(|e| anyhow!("cannot read HEAD: {}", e.message()))?;
        if let Some(s) = since {
            walk.hide(s.0)?;
        }
        let mut out = Vec::new();
        for id in walk {
            let id = id.map_err(|e| anyhow!("cannot walk the history: {}", e.message()))?;
            out.push(self.commit(ObjectId(id))?);
        }
        Ok(out)
    }

    fn root_tree(&self, commit: ObjectId) -> Result<Option<git2::Tree<'_>>> {
        let tree = self.repo.find_commit(commit.0)?.tree()?;
        if self.prefix.is_empty() {
            return Ok(Some(tree));
        }
        match tree.get_path(Path::new(&self.prefix)) {
            Ok(e) => Ok(e.to_object(&self.repo)?.into_tree().ok()),
            Err(_) => Ok(None),
        }
    }

    /// The files under council's care (council.toml, proposals/*, votes/*/*) that `commit`
    /// changed. A merge changes only what differs from every parent.
    pub fn changes(&self, commit: &CommitInfo) -> Result<Vec<Change>> {
        let new = self.root_tree(commit.id)?;
        if commit.parents.is_empty() || commit.shallow_boundary {
            let mut out = Vec::new();
            diff_governed(&self.repo, None, new.as_ref(), &mut out)?;
            return Ok(out);
        }
        let mut result: Option<Vec<Change>> = None;
        for p in &commit.parents {
            let old = self.root_tree(*p)?;
            let mut out = Vec::new();
            diff_governed(&self.repo, old.as_ref(), new.as_ref(), &mut out)?;
            result = Some(match result {
                None => out,
                Some(prev) => prev
                    .into_iter()
                    .filter(|c| out.iter().any(|o| o.path == c.path))
                    .collect(),
            });
        }
        Ok(result.unwrap_or_default())
    }

    pub fn blob(&self, id: ObjectId) -> Result<Vec<u8>> {
        Ok(self.repo.find_blob(id.0)?.content().to_vec())
    }

    /// The id of the file at `rel` in `commit`, if it exists there.
    pub fn file_at(&self, commit: ObjectId, rel: &str) -> Result<Option<ObjectId>> {
        let tree = self.repo.find_commit(commit.0)?.tree()?;
        Ok(tree
            .get_path(Path::new(&self.full(rel)))
            .ok()
            .map(|e| ObjectId(e.id())))
    }

    /// The governed files at `commit` whose relative path passes `keep`, read into memory.
    pub fn snapshot(
        &self,
        commit: ObjectId,
        keep: impl Fn(&str) -> bool,
    ) -> Result<crate::repo::MemFiles> {
        let mut changes = Vec::new();
        if let Some(tree) = self.root_tree(commit)? {
            diff_governed(&self.repo, None, Some(&tree), &mut changes)?;
        }
        let mut files = crate::repo::MemFiles::default();
        for c in changes {
            if let (true, Some(id)) = (keep(&c.path), c.new) {
                files.files.insert(c.path, self.blob(id)?);
            }
        }
        Ok(files)
    }

    /// The SSH (or other) signature of a commit and the payload it signs.
    pub fn signature(&self, id: ObjectId) -> Option<(String, Vec<u8>)> {
        let (sig, data) = self.repo.extract_signature(&id.0, None).ok()?;
        Some((String::from_utf8_lossy(&sig).into_owned(), data.to_vec()))
    }

    /// The commits that changed the file at `rel`, newest first, with its id after each.
    pub fn file_history(&self, rel: &str) -> Result<Vec<(CommitInfo, Option<ObjectId>)>> {
        let full = self.full(rel);
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)?;
        if walk.push_head().is_err() {
            return Ok(Vec::new());
        }
        let at = |c: &git2::Commit<'_>| {
            c.tree()
                .ok()
                .and_then(|t| t.get_path(Path::new(&full)).ok().map(|e| e.id()))
        };
        let mut out = Vec::new();
        for id in walk {
            let c = self.repo.find_commit(id?)?;
            let now = at(&c);
            let parents: Vec<Option<git2::Oid>> = c.parents().map(|p| at(&p)).collect();
            let changed = if parents.is_empty() {
                now.is_some()
            } else {
                parents.iter().all(|p| *p != now)
            };
            if changed {
                out.push((self.commit(ObjectId(c.id()))?, now.map(ObjectId)));
            }
        }
        Ok(out)
    }
}

/// Compares the governed parts of two trees (either may be absent).
fn diff_governed(
    repo: &Repository,
    old: Option<&git2::Tree<'_>>,
    new: Option<&git2::Tree<'_>>,
    out: &mut Vec<Change>,
) -> Result<()> {
    let entry = |t: Option<&git2::Tree<'_>>, name: &str| {
        t.and_then(|t| t.get_name(name).map(|e| (e.id(), e.kind())))
    };
    let blob = |e: Option<(git2::Oid, Option<git2::ObjectType>)>| {
        e.filter(|(_, k)| *k == Some(git2::ObjectType::Blob))
            .map(|(id, _)| ObjectId(id))
    };
    let (a, b) = (
        blob(entry(old, crate::model::council::FILE)),
        blob(entry(new, crate::model::council::FILE)),
    );
    if a != b {
        out.push(Change {
            path: crate::model::council::FILE.to_owned(),
            old: a,
            new: b,
        });
    }
    let subtree = |t: Option<&git2::Tree<'_>>, name: &str| -> Option<git2::Tree<'_>> {
        let (id, kind) = entry(t, name)?;
        (kind == Some(git2::ObjectType::Tree))
            .then(|| repo.find_tree(id).ok())
            .flatten()
    };
    let (po, pn) = (subtree(old, "proposals"), subtree(new, "proposals"));
    if po.as_ref().map(|t| t.id()) != pn.as_ref().map(|t| t.id()) {
        diff_files(po.as_ref(), pn.as_ref(), "proposals", out);
    }
    let (vo, vn) = (subtree(old, "votes"), subtree(new, "votes"));
    if vo.as_ref().map(|t| t.id()) != vn.as_ref().map(|t| t.id()) {
        let mut names: Vec<String> = Vec::new();
        for t in [vo.as_ref(), vn.as_ref()].into_iter().flatten() {
            for e in t.iter() {
                if e.kind() == Some(git2::ObjectType::Tree) {
                    names.push(e.name().unwrap_or("").to_owned());
                }
            }
        }
        names.sort();
        names.dedup();
        for name in names {
            let (a, b) = (subtree(vo.as_ref(), &name), subtree(vn.as_ref(), &name));
            if a.as_ref().map(|t| t.id()) != b.as_ref().map(|t| t.id()) {
                diff_files(a.as_ref(), b.as_ref(), &format!("votes/{name}"), out);
            }
        }
    }
    Ok(())
}

/// Compares the blobs directly inside two trees.
fn diff_files(
    old: Option<&git2::Tree<'_>>,
    new: Option<&git2::Tree<'_>>,
    dir: &str,
    out: &mut Vec<Change>,
) {
    let blobs = |t: Option<&git2::Tree<'_>>| -> Vec<(String, ObjectId)> {
        t.map(|t| {
            t.iter()
                .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
                .map(|e| (e.name().unwrap_or("").to_owned(), ObjectId(e.id())))
                .collect()
        })
        .unwrap_or_default()
    };
    let (a, b) = (blobs(old), blobs(new));
    let (mut i, mut j) = (0, 0);
    // Both lists are in git's tree order (by name), so one merge pass finds every difference.
    while i < a.len() || j < b.len() {
        let ord = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.0.cmp(&y.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match ord {
            std::cmp::Ordering::Less => {
                out.push(Change {
                    path: format!("{dir}/{}", a[i].0),
                    old: Some(a[i].1),
                    new: None,
                });
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(Change {
                    path: format!("{dir}/{}", b[j].0),
                    old: None,
                    new: Some(b[j].1),
                });
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                if a[i].1 != b[j].1 {
                    out.push(Change {
                        path: format!("{dir}/{}", a[i].0),
                        old: Some(a[i].1),
                        new: Some(b[j].1),
                    });
                }
                i += 1;
                j += 1;
            }
        }
    }
}
