//! How commands change the repository: a [`Plan`] of whole-file writes and removals, checked
//! with the rules `check` runs before anything is written, then applied under the repository's
//! [`Lock`] so that a kill at any point leaves either the old files or the new ones.
//!
//! The protocol (docs/behaviour.md, "Writing"):
//!
//! 1. take the lock, `.council.lock` at the root (`flock`; it says who holds it);
//! 2. write each new file's bytes to a temporary file beside it, and flush them to disk;
//! 3. for a change of more than one file, write the journal, `.council.journal`, naming every
//!    temporary file and removal: from then on the change is decided;
//! 4. rename the temporary files over their targets, and remove the files to remove;
//! 5. delete the journal, then the lock.
//!
//! A process killed before step 3 leaves only temporary files, which the next command deletes;
//! one killed after it leaves the journal, which the next command (any command, `check`
//! included) carries out to the end before it reads anything.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, Utc};

use crate::diag::{Diagnostic, Severity};
use crate::repo::{Disk, Files, Kind, Repo};

/// The lock file, at the repository root.
pub const LOCK: &str = ".council.lock";
/// The journal of a change of several files, at the repository root, while it is applied.
pub const JOURNAL: &str = ".council.journal";
/// How long a writer waits for another to finish, unless `COUNCIL_LOCK_TIMEOUT` (seconds) says.
const WAIT: Duration = Duration::from_secs(10);

/// One file of a change: its new bytes, or `None` to remove it.
#[derive(Debug, Clone)]
struct Change {
    rel: String,
    bytes: Option<Vec<u8>>,
    /// The file must not exist yet.
    create: bool,
}

/// The files a command changes, all or nothing.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    changes: Vec<Change>,
}

impl Plan {
    pub fn new() -> Self {
        Plan::default()
    }

    /// Writes `rel` (relative to the root, `/`-separated), replacing it if it exists.
    pub fn write(&mut self, rel: &str, text: impl Into<Vec<u8>>) {
        self.push(rel, Some(text.into()), false);
    }

    /// Creates `rel`, which must not exist.
    pub fn create(&mut self, rel: &str, text: impl Into<Vec<u8>>) {
        self.push(rel, Some(text.into()), true);
    }

    /// Removes `rel`.
    pub fn remove(&mut self, rel: &str) {
        self.push(rel, None, false);
    }

    fn push(&mut self, rel: &str, bytes: Option<Vec<u8>>, create: bool) {
        self.changes.retain(|c| c.rel != rel);
        self.changes.push(Change {
            rel: rel.to_owned(),
            bytes,
            create,
        });
    }

    /// The absolute paths the plan touches, in order (for `--commit`).
    pub fn paths(&self, root: &Path) -> Vec<PathBuf> {
        self.changes.iter().map(|c| root.join(&c.rel)).collect()
    }

    /// The repository as it would be after the plan, read from disk with the plan laid over.
    pub fn preview(&self, root: &Path) -> Result<Repo> {
        let mut repo = Repo::load_from(root, &Overlay::new(root, self))?;
        repo.read_pins();
        Ok(repo)
    }

    /// Refuses the plan when the repository after it has an error that `check` would report and
    /// that is not already there now. `before` is the repository as loaded by the command.
    /// `what` names the change in the refusal.
    pub fn validate(&self, before: &Repo, now: DateTime<Utc>, what: &str) -> Result<()> {
        self.refuse_new_errors(&before.root, Some(before), now, what)
    }

    /// [`Plan::validate`] for a repository council is only being set up in (`council init`):
    /// only errors in the files the plan writes count, as what the other files say was there.
    pub fn validate_fresh(&self, root: &Path, now: DateTime<Utc>, what: &str) -> Result<()> {
        self.refuse_new_errors(root, None, now, what)
    }

    fn refuse_new_errors(
        &self,
        root: &Path,
        before: Option<&Repo>,
        now: DateTime<Utc>,
        what: &str,
    ) -> Result<()> {
        for c in &self.changes {
            if c.create && fs::symlink_metadata(root.join(&c.rel)).is_ok() {
                crate::refuse!(
                    "{} already exists; council never overwrites a file unasked",
                    c.rel
                );
            }
        }
        let key = |d: &Diagnostic| (d.rule, d.file.clone(), d.message.clone());
        let mut new = errors(&self.preview(root)?, now)?;
        // A clean result costs one check; the state before is checked only to excuse errors
        // that were already there.
        if !new.is_empty() {
            match before {
                Some(before) => {
                    let old: BTreeSet<_> = errors(before, now)?.iter().map(key).collect();
                    new.retain(|d| !old.contains(&key(d)));
                }
                None => new.retain(|d| self.changes.iter().any(|c| c.rel == d.file)),
            }
        }
        if new.is_empty() {
            return Ok(());
        }
        let list: Vec<_> = new
            .iter()
            .map(|d| {
                format!(
                    "  {}:{}:{}: {} [{}]",
                    d.file, d.line, d.column, d.message, d.rule
                )
            })
            .collect();
        crate::refuse!(
            "{what}: nothing was written, as `council check` would then report:\n{}",
            list.join("\n")
        )
    }

    /// Writes the plan: every file or none, as the module documentation describes. The caller
    /// holds `lock`.
    pub fn apply(&self, root: &Path, _lock: &Lock) -> Result<()> {
        let mut crash = CrashPoint::new();
        for c in &self.changes {
            if c.create && fs::symlink_metadata(root.join(&c.rel)).is_ok() {
                crate::refuse!(
                    "{} already exists; council never overwrites a file unasked",
                    c.rel
                );
            }
        }
        // Step 2: the new bytes beside their targets.
        let mut temps: Vec<Option<String>> = Vec::new();
        let mut written = Vec::new();
        let result = (|| -> Result<()> {
            for (i, c) in self.changes.iter().enumerate() {
                let Some(bytes) = &c.bytes else {
                    temps.push(None);
                    continue;
                };
                let tmp = temp_name(&c.rel, i);
                let path = root.join(&tmp);
                if let Some(dir) = path.parent() {
                    fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create {}", dir.display()))?;
                }
                written.push(path.clone());
                let mut f = fs::File::create(&path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                f.write_all(bytes)
                    .and_then(|_| f.sync_all())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                temps.push(Some(tmp));
                crash.step();
            }
            Ok(())
        })();
        if let Err(e) = result {
            for p in written {
                let _ = fs::remove_file(p);
            }
            return Err(e);
        }
        let steps: Vec<Step> = self
            .changes
            .iter()
            .zip(temps)
            .map(|(c, tmp)| Step {
                path: c.rel.clone(),
                tmp,
            })
            .collect();
        // Step 3: the journal, for a change of more than one file.
        let journal = steps.len() > 1;
        if journal {
            let text = serde_json::to_string_pretty(&Journal {
                pid: std::process::id(),
                command: command_line(),
                steps: steps.clone(),
            })?;
            // The temporary files' names are on disk before the journal that names them (a
            // power loss must not leave a journal pointing at files that are gone).
            let dirs: BTreeSet<&Path> = written.iter().filter_map(|p| p.parent()).collect();
            for dir in dirs {
                sync_dir(dir)?;
                // A ballot folder made for this change is itself an entry of votes/.
                if let Some(up) = dir.parent().filter(|up| *up == root.join("votes")) {
                    sync_dir(up)?;
                }
            }
            crate::repo::write_atomic(&root.join(JOURNAL), text.as_bytes())?;
            sync_dir(root)?;
            crash.step();
        }
        // Step 4. Without a journal (one file) a failed rename leaves the old file: its
        // temporary file goes too, as nothing will finish the change.
        for s in &steps {
            if let Err(e) = s.carry_out(root) {
                if !journal {
                    for p in &written {
                        let _ = fs::remove_file(p);
                    }
                }
                return Err(e);
            }
            crash.step();
        }
        // Step 5.
        if journal {
            fs::remove_file(root.join(JOURNAL))
                .with_context(|| format!("cannot remove {}", root.join(JOURNAL).display()))?;
            sync_dir(root)?;
        }
        Ok(())
    }
}

/// `rel`'s temporary file: hidden, beside it, named after this process.
fn temp_name(rel: &str, i: usize) -> String {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let tmp = format!(".{name}.council-{}-{i}.tmp", std::process::id());
    if dir.is_empty() {
        tmp
    } else {
        format!("{dir}/{tmp}")
    }
}

/// Whether `name` is one of council's temporary files.
fn is_temp(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp") && name.contains(".council-")
}

/// Whether a file name is one of a writer's own working files (lock, journal, temporary file):
/// they live only while a command runs on one machine and never belong in a commit. In any
/// letter case: a checkout on a case-insensitive file system (macOS, Windows) opens
/// `.COUNCIL.JOURNAL` as the journal.
pub fn is_working_file(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == LOCK || name == JOURNAL || is_temp(&name)
}

/// Whether a journal's step names only council's own files, as a writer writes them: a governed
/// path, and a temporary file beside it named for it, through real folders of the repository
/// (no `..`, no absolute path, no link). A journal is read from the working tree, which a pull
/// request may have filled: without this a crafted one could move or delete any file.
fn step_is_sound(root: &Path, step: &Step) -> bool {
    let parts: Vec<&str> = step.path.split('/').collect();
    let name_ok =
        |n: &str| !n.is_empty() && n != "." && n != ".." && !n.contains('\\') && !n.contains('\0');
    if !parts.iter().all(|n| name_ok(n)) {
        return false;
    }
    let shape = match parts.as_slice() {
        [f] => *f == crate::model::council::FILE,
        ["proposals", f] => f.ends_with(".md"),
        ["decisions", f] => f.ends_with(".toml"),
        ["votes", _, f] => f.ends_with(".toml"),
        _ => false,
    };
    if !shape {
        return false;
    }
    // Every folder on the way is a real folder, not a link out of the repository (or is gone,
    // as a ballot folder goes with its last ballot: then nothing is reached through it).
    let mut dir = root.to_path_buf();
    for part in &parts[..parts.len() - 1] {
        dir.push(part);
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_dir() => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => break,
            _ => return false,
        }
    }
    match &step.tmp {
        None => true,
        Some(tmp) => {
            let (folder, name) = step.path.rsplit_once('/').unwrap_or(("", &step.path));
            let (tmp_folder, tmp_name) = tmp.rsplit_once('/').unwrap_or(("", tmp));
            tmp_folder == folder
                && is_temp(tmp_name)
                && tmp_name.starts_with(&format!(".{name}.council-"))
        }
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot flush {}", dir.display()))
}

/// The first of `rels` that git tracks, if the root is in a git repository.
fn committed(root: &Path, rels: &[&str]) -> Option<String> {
    let git = crate::git::Git::open(root).ok()?;
    git.tracked(rels).first().map(|s| (*s).to_owned())
}

/// This process's command line, for the lock and the journal.
fn command_line() -> String {
    let args: Vec<String> = std::env::args()
        .map(|a| {
            if a.is_empty() || a.contains(char::is_whitespace) {
                format!("{a:?}")
            } else {
                a
            }
        })
        .collect();
    let mut line = args.join(" ");
    if let Some(first) = args.first()
        && let Some(base) = Path::new(first).file_name()
    {
        line = line.replacen(first.as_str(), &base.to_string_lossy(), 1);
    }
    line.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// One file of a journalled change.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Step {
    path: String,
    /// The temporary file holding the new bytes; none: the file is removed.
    tmp: Option<String>,
}

impl Step {
    /// Carries the step out; doing it twice does no harm.
    fn carry_out(&self, root: &Path) -> Result<()> {
        let path = root.join(&self.path);
        match &self.tmp {
            Some(tmp) => {
                let tmp = root.join(tmp);
                match fs::rename(&tmp, &path) {
                    Ok(()) => {}
                    // Renamed already, by the process that was killed or an earlier recovery.
                    Err(e) if e.kind() == io::ErrorKind::NotFound && path.exists() => {}
                    Err(e) => {
                        return Err(e).with_context(|| format!("cannot write {}", path.display()));
                    }
                }
            }
            None => match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot remove {}", path.display()));
                }
            },
        }
        let Some(dir) = path.parent() else {
            return Ok(());
        };
        // A ballot folder left empty goes with its last ballot (or went, before a kill).
        if self.tmp.is_none() && dir.parent().is_some_and(|d| d == root.join("votes")) {
            if fs::read_dir(dir).is_ok_and(|mut e| e.next().is_none()) {
                let _ = fs::remove_dir(dir);
            }
            if !dir.exists() {
                return sync_dir(&root.join("votes"));
            }
        }
        sync_dir(dir)
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Journal {
    pid: u32,
    command: String,
    steps: Vec<Step>,
}

/// Finishes whatever a killed writer left: carries out its journal, if it wrote one, and
/// deletes its temporary files. Returns what it did, for the user. The caller holds the lock.
fn recover(root: &Path) -> Result<Option<String>> {
    let path = root.join(JOURNAL);
    let mut done = None;
    // Read as any governed file is: never through a link, and no larger than the cap.
    let read = match crate::repo::read_text(&path) {
        Ok(t) => Ok(t),
        Err(_) if fs::symlink_metadata(&path).is_err() => {
            Err(io::Error::from(io::ErrorKind::NotFound))
        }
        Err(why) => Err(io::Error::other(why)),
    };
    match read {
        Ok(text) => {
            let j: Journal = serde_json::from_str(&text).map_err(|e| {
                anyhow!(
                    "{}: cannot read the journal of an interrupted change ({e}); look at the files it names, put them right by hand, then delete it",
                    path.display()
                )
            })?;
            // A killed writer's journal and temporary files are never in git: ones that are
            // came with a commit (a pull request's, say), and carrying them out would let it
            // rewrite governed files in every checkout that runs council.
            let mut named = vec![JOURNAL];
            named.extend(j.steps.iter().filter_map(|s| s.tmp.as_deref()));
            if let Some(found) = committed(root, &named) {
                bail!(
                    "{}: git tracks this journal ({found}, committed or staged): a journal of council's is never committed, so nothing was carried out; `git rm -f {}` removes it (where it was committed, `council audit` names the commit)",
                    path.display(),
                    found
                );
            }
            if let Some(bad) = j.steps.iter().find(|s| !step_is_sound(root, s)) {
                bail!(
                    "{}: the journal names `{}`{}, which is not a file council writes there: nothing was carried out; a journal is never committed, so delete this one and see where it came from",
                    path.display(),
                    bad.path,
                    bad.tmp
                        .as_deref()
                        .map(|t| format!(" (from `{t}`)"))
                        .unwrap_or_default()
                );
            }
            for s in &j.steps {
                s.carry_out(root)?;
            }
            fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
            sync_dir(root)?;
            done = Some(format!(
                "finished an interrupted change (`{}`, process {}): {}",
                j.command,
                j.pid,
                j.steps
                    .iter()
                    .map(|s| s.path.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    // Temporary files of a writer killed before its journal: the change never happened.
    let mut dirs = vec![
        root.to_path_buf(),
        root.join("proposals"),
        root.join("decisions"),
    ];
    if let Ok(entries) = fs::read_dir(root.join("votes")) {
        dirs.extend(
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path()),
        );
    }
    for dir in dirs {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if is_temp(&e.file_name().to_string_lossy())
                && committed(root, &[&crate::repo::relative(root, &path)]).is_none()
            {
                let _ = fs::remove_file(path);
            }
        }
        // A ballot folder that only held temporary files was made by the killed writer.
        if dir.parent() == Some(root.join("votes").as_path())
            && fs::read_dir(&dir).is_ok_and(|mut e| e.next().is_none())
        {
            let _ = fs::remove_dir(&dir);
        }
    }
    Ok(done)
}

/// The repository's write lock, held while a command changes files; released on drop.
#[derive(Debug)]
pub struct Lock {
    file: fs::File,
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so that the next writer finds no lock left by a finished one.
        let _ = fs::remove_file(&self.path);
    }
}

/// Who holds a lock, as its file says.
fn holder(text: &str) -> String {
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k).map(|v| v.trim().to_owned()))
    };
    match (field("pid "), field("command "), field("since ")) {
        (Some(pid), Some(cmd), Some(since)) => format!("process {pid} (`{cmd}`), since {since}"),
        _ => "another process".to_owned(),
    }
}

/// The wait `COUNCIL_LOCK_TIMEOUT` asks for (seconds, below a day); a value present but wrong
/// is refused, never replaced by the default.
fn wait_limit() -> Result<Duration> {
    let Some(raw) = std::env::var_os("COUNCIL_LOCK_TIMEOUT") else {
        return Ok(WAIT);
    };
    raw.to_str()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0 && *s < 86_400.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            anyhow!(
                "COUNCIL_LOCK_TIMEOUT is {:?}: give the seconds to wait for another writer, from 0 to 86399",
                raw.to_string_lossy()
            )
        })
}

impl Lock {
    /// Takes the lock of the repository at `root`, waiting a little for another writer; then
    /// finishes any change a killed writer left. Says on stderr when it had to.
    pub fn acquire(root: &Path) -> Result<Lock> {
        let path = root.join(LOCK);
        let limit = wait_limit()?;
        let start = Instant::now();
        loop {
            // Never through a link (a committed one could point anywhere): O_NOFOLLOW, and a
            // lock that is not a regular file stops the command.
            let mut file = {
                use std::os::unix::fs::OpenOptionsExt;
                fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(false)
                    .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                    .open(&path)
                    .with_context(|| {
                        format!(
                            "cannot open the lock file {} (a link or special file there is not council's: remove it)",
                            path.display()
                        )
                    })?
            };
            if !file.metadata().is_ok_and(|m| m.file_type().is_file()) {
                bail!(
                    "the lock file {} is not a regular file: remove it",
                    path.display()
                );
            }
            // SAFETY: flock on a file descriptor we own.
            let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if r != 0 {
                let e = io::Error::last_os_error();
                if e.raw_os_error() != Some(libc::EWOULDBLOCK) {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
                if start.elapsed() >= limit {
                    let mut text = String::new();
                    let _ = file.read_to_string(&mut text);
                    bail!(
                        "another council command is changing this repository: {}; try again when it has finished ({} is its lock)",
                        holder(&text),
                        path.display()
                    );
                }
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            // The file we locked must still be the one at the path: a writer that finished may
            // have removed it between our open and our lock.
            let same = match (file.metadata(), fs::symlink_metadata(&path)) {
                (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
                _ => false,
            };
            if !same {
                continue;
            }
            let mut stale = String::new();
            let _ = file.read_to_string(&mut stale);
            let lock = Lock { file, path };
            if !stale.is_empty() || root.join(JOURNAL).exists() {
                // Its holder was killed: finish or undo what it left.
                if let Some(what) = recover(root)? {
                    let mut err = anstream::stderr();
                    let _ = writeln!(err, "note: {what}");
                }
            }
            lock.claim()?;
            return Ok(lock);
        }
    }

    fn claim(&self) -> Result<()> {
        let text = format!(
            "pid {}\ncommand {}\nsince {}\n",
            std::process::id(),
            command_line(),
            Utc::now().format("%Y-%m-%dT%H:%M:%SZ")
        );
        let mut f = &self.file;
        f.set_len(0)
            .and_then(|_| f.seek(io::SeekFrom::Start(0)))
            .and_then(|_| f.write_all(text.as_bytes()))
            .with_context(|| format!("cannot write the lock file {}", self.path.display()))
    }
}

/// Before a command reads the repository: if a writer was killed there, finish or undo its
/// change first (under the lock); otherwise do nothing. A repository without a lock file or
/// journal costs two `stat`s.
pub fn settle(root: &Path) -> Result<()> {
    let journal = fs::symlink_metadata(root.join(JOURNAL)).is_ok();
    if fs::symlink_metadata(root.join(LOCK)).is_err() && !journal {
        return Ok(());
    }
    // A journal that came with a commit is not carried out; a reading command reads the
    // files as they are (history names the commit), a writing one refuses (see `recover`).
    if journal && let Some(found) = committed(root, &[JOURNAL]) {
        let mut err = anstream::stderr();
        let _ = writeln!(
            err,
            "warning: git tracks {found} (committed or staged), so it is not carried out: a journal of council's is never committed; `git rm -f {found}` removes it (where it was committed, `council audit` names the commit)"
        );
        return Ok(());
    }
    Lock::acquire(root).map(drop)
}

/// The errors `check` would report on `repo` (with its `[lints]`), as it would at `now`.
fn errors(repo: &Repo, now: DateTime<Utc>) -> Result<Vec<Diagnostic>> {
    let (levels, found) = crate::lint::levels(&repo.council, &[]).map_err(anyhow::Error::msg)?;
    let mut all = crate::lint::check(repo, now);
    all.extend(found);
    Ok(crate::lint::apply_levels(all, &levels)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect())
}

/// The disk with a plan's changes laid over it.
struct Overlay<'p> {
    disk: Disk,
    changes: BTreeMap<&'p str, Option<&'p [u8]>>,
}

impl<'p> Overlay<'p> {
    fn new(root: &Path, plan: &'p Plan) -> Self {
        Overlay {
            disk: Disk::new(root),
            changes: plan
                .changes
                .iter()
                .map(|c| (c.rel.as_str(), c.bytes.as_deref()))
                .collect(),
        }
    }

    /// Whether the plan writes a file under `dir`.
    fn writes_under(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.changes
            .iter()
            .any(|(k, v)| v.is_some() && k.starts_with(&prefix))
    }
}

impl Files for Overlay<'_> {
    fn kind(&self, rel: &str) -> Option<Kind> {
        match self.changes.get(rel) {
            Some(Some(_)) => Some(Kind::File),
            Some(None) => None,
            None => match self.disk.kind(rel) {
                None if self.writes_under(rel) => Some(Kind::Dir),
                k => k,
            },
        }
    }

    fn list(&self, dir: &str) -> Result<Vec<(String, Kind)>> {
        let mut out: BTreeMap<String, Kind> = self.disk.list(dir)?.into_iter().collect();
        let prefix = format!("{dir}/");
        for (rel, bytes) in &self.changes {
            let Some(rest) = rel.strip_prefix(&prefix) else {
                continue;
            };
            match (rest.split_once('/'), bytes) {
                (Some((sub, _)), Some(_)) => {
                    out.insert(sub.to_owned(), Kind::Dir);
                }
                (Some(_), None) => {}
                (None, Some(_)) => {
                    out.insert(rest.to_owned(), Kind::File);
                }
                (None, None) => {
                    out.remove(rest);
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    fn read(&self, rel: &str) -> Result<String, String> {
        match self.changes.get(rel) {
            Some(Some(bytes)) => crate::repo::decode(bytes.to_vec()),
            Some(None) => Err("does not exist".into()),
            None => self.disk.read(rel),
        }
    }
}

/// For the crash-safety tests (debug builds only): `COUNCIL_CRASH_AT=N` kills this process with
/// SIGKILL at the Nth step of [`Plan::apply`].
struct CrashPoint {
    #[cfg(debug_assertions)]
    at: Option<u32>,
    #[cfg(debug_assertions)]
    seen: u32,
}

impl CrashPoint {
    fn new() -> Self {
        CrashPoint {
            #[cfg(debug_assertions)]
            at: std::env::var("COUNCIL_CRASH_AT")
                .ok()
                .and_then(|s| s.parse().ok()),
            #[cfg(debug_assertions)]
            seen: 0,
        }
    }

    fn step(&mut self) {
        #[cfg(debug_assertions)]
        {
            self.seen += 1;
            if self.at == Some(self.seen) {
                // SAFETY: sends a signal to this very process.
                unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_stay_beside_their_file() {
        let t = temp_name("votes/x/ada.toml", 2);
        assert!(t.starts_with("votes/x/.ada.toml.council-"), "{t}");
        assert!(is_temp(t.rsplit('/').next().unwrap()));
        assert!(!is_temp("ada.toml"));
    }

    #[test]
    fn holder_reads_the_lock_file() {
        assert_eq!(
            holder("pid 12\ncommand council vote x\nsince 2026-12-01T00:00:00Z\n"),
            "process 12 (`council vote x`), since 2026-12-01T00:00:00Z"
        );
        assert_eq!(holder(""), "another process");
    }

    #[test]
    fn a_journal_is_carried_out_once_whatever_is_done_already() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("votes/d")).unwrap();
        fs::create_dir_all(root.join("proposals")).unwrap();
        fs::write(root.join("proposals/a.md"), "old a").unwrap();
        fs::write(root.join("proposals/.a.md.council-1-0.tmp"), "new a").unwrap();
        fs::write(root.join("proposals/b.md"), "new b").unwrap(); // renamed before the kill
        fs::write(root.join("votes/d/ada.toml"), "ballot").unwrap();
        let j = Journal {
            pid: 1,
            command: "council test".into(),
            steps: vec![
                Step {
                    path: "proposals/b.md".into(),
                    tmp: Some("proposals/.b.md.council-1-1.tmp".into()),
                },
                Step {
                    path: "proposals/a.md".into(),
                    tmp: Some("proposals/.a.md.council-1-0.tmp".into()),
                },
                Step {
                    path: "votes/d/ada.toml".into(),
                    tmp: None,
                },
            ],
        };
        fs::write(root.join(JOURNAL), serde_json::to_string(&j).unwrap()).unwrap();
        fs::write(root.join("votes/d/.bob.toml.council-9-0.tmp"), "orphan").unwrap();
        let said = recover(root).unwrap().unwrap();
        assert!(said.contains("council test"), "{said}");
        assert_eq!(
            fs::read_to_string(root.join("proposals/a.md")).unwrap(),
            "new a"
        );
        assert_eq!(
            fs::read_to_string(root.join("proposals/b.md")).unwrap(),
            "new b"
        );
        assert!(!root.join("votes/d").exists());
        assert!(!root.join(JOURNAL).exists());
        assert_eq!(recover(root).unwrap(), None);
    }
}
