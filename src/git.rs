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
    /// The last raw tree objects read: each commit's trees are the next commit's parent trees.
    raw: std::cell::RefCell<Vec<(git2::Oid, std::rc::Rc<[u8]>)>>,
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
        // Reading history, git itself does not re-hash every object it reads; neither do we
        // (it halves the time of an audit). Objects are still found by their ids.
        git2::opts::strict_hash_verification(false);
        // History is read once, oldest first: a small object cache serves as well as the
        // default 256 MiB, which an audit of a long history would otherwise fill.
        // SAFETY: sets libgit2's global cache limit; no object has been read yet.
        let _ = unsafe { git2::opts::set_cache_max_size(16 << 20) };
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
            raw: std::cell::RefCell::new(Vec::new()),
        })
    }

    /// A tree object's raw bytes, from a small cache or the object database.
    fn raw_tree(&self, id: git2::Oid) -> Result<std::rc::Rc<[u8]>> {
        if let Some((_, data)) = self.raw.borrow().iter().find(|(i, _)| *i == id) {
            return Ok(data.clone());
        }
        let data: std::rc::Rc<[u8]> = self.repo.odb()?.read(id)?.data().into();
        let mut raw = self.raw.borrow_mut();
        if raw.len() >= 16 {
            raw.remove(0);
        }
        raw.push((id, data.clone()));
        Ok(data)
    }

    /// Compares the governed parts of two governance-root trees (either may be absent).
    fn diff_governed(
        &self,
        old: Option<&git2::Tree<'_>>,
        new: Option<&git2::Tree<'_>>,
        out: &mut Vec<Change>,
    ) -> Result<()> {
        let entry = |t: Option<&git2::Tree<'_>>, name: &str, kind| {
            t.and_then(|t| t.get_name(name))
                .filter(|e| e.kind() == Some(kind))
                .map(|e| e.id())
        };
        let file = crate::model::council::FILE;
        let (a, b) = (
            entry(old, file, git2::ObjectType::Blob),
            entry(new, file, git2::ObjectType::Blob),
        );
        if a != b {
            out.push(Change {
                path: file.to_owned(),
                old: a.map(ObjectId),
                new: b.map(ObjectId),
            });
        }
        let raw = |id: Option<git2::Oid>| -> Result<std::rc::Rc<[u8]>> {
            Ok(match id {
                Some(id) => self.raw_tree(id)?,
                None => std::rc::Rc::from(&[][..]),
            })
        };
        let (po, pn) = (
            entry(old, "proposals", git2::ObjectType::Tree),
            entry(new, "proposals", git2::ObjectType::Tree),
        );
        if po != pn {
            diff_raw(&raw(po)?, &raw(pn)?, false, "proposals", out);
        }
        let (vo, vn) = (
            entry(old, "votes", git2::ObjectType::Tree),
            entry(new, "votes", git2::ObjectType::Tree),
        );
        if vo != vn {
            // Descend only into the decision folders whose trees differ.
            let mut dirs = Vec::new();
            diff_raw(&raw(vo)?, &raw(vn)?, true, "votes", &mut dirs);
            for d in dirs {
                let (a, b) = (raw(d.old.map(|i| i.0))?, raw(d.new.map(|i| i.0))?);
                diff_raw(&a, &b, false, &d.path, out);
            }
        }
        Ok(())
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
        if commit.parents.is_empty() || commit.shallow_boundary {
            return self.governed_files(commit.id);
        }
        let new = self.root_tree(commit.id)?;
        let mut result: Option<Vec<Change>> = None;
        for p in &commit.parents {
            let old = self.root_tree(*p)?;
            let mut out = Vec::new();
            self.diff_governed(old.as_ref(), new.as_ref(), &mut out)?;
            result = Some(match result {
                None => out,
                Some(prev) => {
                    let here: std::collections::HashSet<&str> =
                        out.iter().map(|o| o.path.as_str()).collect();
                    prev.into_iter()
                        .filter(|c| here.contains(c.path.as_str()))
                        .collect()
                }
            });
        }
        Ok(result.unwrap_or_default())
    }

    pub fn blob(&self, id: ObjectId) -> Result<Vec<u8>> {
        Ok(self.repo.find_blob(id.0)?.content().to_vec())
    }

    /// Every governed file at `commit` (council.toml, proposals/*, votes/*/*), as additions.
    pub fn governed_files(&self, commit: ObjectId) -> Result<Vec<Change>> {
        let mut out = Vec::new();
        if let Some(tree) = self.root_tree(commit)? {
            self.diff_governed(None, Some(&tree), &mut out)?;
        }
        Ok(out)
    }

    /// Every governed file at `commit`, read into memory.
    pub fn snapshot(&self, commit: ObjectId) -> Result<crate::repo::MemFiles> {
        let mut files = crate::repo::MemFiles::default();
        for c in self.governed_files(commit)? {
            if let Some(id) = c.new {
                files.files.insert(c.path, self.blob(id)?);
            }
        }
        Ok(files)
    }

    /// The entry at `rel` (a `/`-separated path below the governance root) in `commit`,
    /// found through the raw tree objects: (its id, whether it is a tree).
    fn lookup(&self, commit: ObjectId, rel: &str) -> Result<Option<(git2::Oid, bool)>> {
        let mut at = (self.repo.find_commit(commit.0)?.tree_id(), true);
        for part in self.full(rel).split('/').filter(|p| !p.is_empty()) {
            if !at.1 {
                return Ok(None);
            }
            let tree = self.raw_tree(at.0)?;
            let mut pos = 0;
            let mut found = None;
            while let Some((e, next)) = raw_entry(&tree, pos) {
                if e.name == part.as_bytes() {
                    found = Some((e.oid().0, e.is_tree()));
                    break;
                }
                pos = next;
            }
            match found {
                Some(f) => at = f,
                None => return Ok(None),
            }
        }
        Ok(Some(at))
    }

    /// The files at `paths`, and the files directly inside `dirs`, at `commit`, into memory.
    pub fn read_paths(
        &self,
        commit: ObjectId,
        paths: &[String],
        dirs: &[String],
    ) -> Result<crate::repo::MemFiles> {
        let mut files = crate::repo::MemFiles::default();
        for p in paths {
            if let Some((id, false)) = self.lookup(commit, p)? {
                files.files.insert(p.clone(), self.blob(ObjectId(id))?);
            }
        }
        for d in dirs {
            let Some((id, true)) = self.lookup(commit, d)? else {
                continue;
            };
            let mut inside = Vec::new();
            diff_raw(&[], &self.raw_tree(id)?, false, d, &mut inside);
            for c in inside {
                if let Some(id) = c.new {
                    files.files.insert(c.path, self.blob(id)?);
                }
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

/// One entry of a raw tree object: `<mode> <name>\0<20-byte id>`.
struct RawEntry<'a> {
    mode: &'a [u8],
    name: &'a [u8],
    id: &'a [u8],
}

impl RawEntry<'_> {
    fn is_tree(&self) -> bool {
        self.mode == b"40000"
    }

    fn is_blob(&self) -> bool {
        self.mode.starts_with(b"100") || self.mode == b"120000"
    }

    fn oid(&self) -> ObjectId {
        ObjectId(git2::Oid::from_bytes(self.id).expect("a 20-byte id"))
    }
}

/// The entry starting at `pos`, and where the next one starts.
fn raw_entry(buf: &[u8], pos: usize) -> Option<(RawEntry<'_>, usize)> {
    let rest = buf.get(pos..)?;
    let sp = rest.iter().position(|&b| b == b' ')?;
    let nul = sp + 1 + rest[sp + 1..].iter().position(|&b| b == 0)?;
    let id = rest.get(nul + 1..nul + 21)?;
    Some((
        RawEntry {
            mode: &rest[..sp],
            name: &rest[sp + 1..nul],
            id,
        },
        pos + nul + 21,
    ))
}

/// Length of the common prefix of two byte strings, compared a block at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 64 <= n && a[i..i + 64] == b[i..i + 64] {
        i += 64;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// Compares the entries of one kind (blobs, or trees) of two raw tree objects. Identical
/// stretches are skipped with block compares, so a commit that changes one file of ten
/// thousand costs little more than reading the two trees.
fn diff_raw(old: &[u8], new: &[u8], trees: bool, dir: &str, out: &mut Vec<Change>) {
    use std::cmp::Ordering;
    let wanted = |e: &RawEntry<'_>| if trees { e.is_tree() } else { e.is_blob() };
    let path = |e: &RawEntry<'_>| format!("{dir}/{}", String::from_utf8_lossy(e.name));
    // Start at the last entry boundary inside the common prefix.
    let prefix = common_prefix(old, new);
    let mut start = 0;
    while let Some((_, next)) = raw_entry(old, start) {
        if next > prefix {
            break;
        }
        start = next;
    }
    let (mut i, mut j) = (start, start);
    loop {
        let a = raw_entry(old, i);
        let b = raw_entry(new, j);
        let ord = match (&a, &b) {
            (None, None) => break,
            (Some((x, _)), Some((y, _))) => git_order(x.name, y.name, x.is_tree(), y.is_tree()),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
        };
        let differed = match ord {
            Ordering::Less => {
                let (x, next) = a.expect("an entry");
                i = next;
                wanted(&x)
                    .then(|| {
                        out.push(Change {
                            path: path(&x),
                            old: Some(x.oid()),
                            new: None,
                        })
                    })
                    .is_some()
            }
            Ordering::Greater => {
                let (y, next) = b.expect("an entry");
                j = next;
                wanted(&y)
                    .then(|| {
                        out.push(Change {
                            path: path(&y),
                            old: None,
                            new: Some(y.oid()),
                        })
                    })
                    .is_some()
            }
            Ordering::Equal => {
                let ((x, ni), (y, nj)) = (a.expect("an entry"), b.expect("an entry"));
                i = ni;
                j = nj;
                let changed = x.id != y.id && wanted(&x) && wanted(&y);
                if changed {
                    out.push(Change {
                        path: path(&x),
                        old: Some(x.oid()),
                        new: Some(y.oid()),
                    });
                }
                changed || x.mode != y.mode
            }
        };
        // After a difference, the rest is often identical: stop there.
        if differed && old[i..] == new[j..] {
            break;
        }
    }
}

/// git's order of tree entries: names compared as bytes, a tree's name as if it ended in `/`.
fn git_order(a: &[u8], b: &[u8], a_tree: bool, b_tree: bool) -> std::cmp::Ordering {
    let slash: &[u8] = b"/";
    let a_end = if a_tree { slash } else { &[] };
    let b_end = if b_tree { slash } else { &[] };
    a.iter().chain(a_end).cmp(b.iter().chain(b_end))
}

#[cfg(test)]
mod tests {
    use super::git_order;
    use std::cmp::Ordering;

    #[test]
    fn trees_sort_as_if_they_ended_in_a_slash() {
        assert_eq!(
            git_order(b"lock", b"lock-file", false, false),
            Ordering::Less
        );
        assert_eq!(
            git_order(b"lock", b"lock-file", true, true),
            Ordering::Greater
        );
        assert_eq!(
            git_order(b"topic-1", b"topic-10", true, true),
            Ordering::Less
        );
    }
}
