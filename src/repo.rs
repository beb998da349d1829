//! The governance repository on disk: finding its root and loading its files.
//!
//! This is the file-system edge: everything here reads files and hands text to the pure parsers
//! of [`crate::model`].

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use crate::diag::Diagnostic;
use crate::model::ballot::{BallotFile, Casting};
use crate::model::council::{self, Council};
use crate::model::proposal::Proposal;
use crate::model::record::{self, Record};
use crate::model::rules::Rules;

/// Proposals and ballots larger than this are refused unread.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Finds the repository root: `start` or its nearest ancestor holding `council.toml`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let start = start
        .canonicalize()
        .with_context(|| format!("cannot open directory {}", start.display()))?;
    for dir in start.ancestors() {
        if fs::symlink_metadata(dir.join(council::FILE)).is_ok() {
            return Ok(dir.to_path_buf());
        }
    }
    bail!(
        "no council.toml in {} or any parent directory (run `council init` to create one, or pass -C DIR)",
        start.display()
    )
}

/// Reads a governed text file: refuses symbolic links (never followed), directories, special,
/// huge, binary and non-UTF-8 files with a message fit for a diagnostic.
pub fn read_text(path: &Path) -> Result<String, String> {
    use std::os::unix::fs::OpenOptionsExt;
    // One path lookup: the link is refused by the open itself, and the kind and size come from
    // the open file (no FIFO blocks the open, as O_NONBLOCK).
    let mut file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => SYMLINK.to_owned(),
            _ => format!("cannot read: {e}"),
        })?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if let Some(why) = not_regular(meta.file_type()) {
        return Err(why.to_owned());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "is {:.1} MB, over the {} MB limit for a governed file: is it the right file?",
            meta.len() as f64 / 1e6,
            MAX_FILE_BYTES / 1024 / 1024
        ));
    }
    // Exactly the size fstat gave: one read, no probe for the end.
    let mut bytes = vec![0; meta.len() as usize];
    file.read_exact(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    decode(bytes)
}

/// Why an entry is not a regular file, if it is not.
fn not_regular(t: fs::FileType) -> Option<&'static str> {
    if t.is_symlink() {
        Some(SYMLINK)
    } else if t.is_dir() {
        Some("is a directory, where a file was expected")
    } else if !t.is_file() {
        Some(SPECIAL)
    } else {
        None
    }
}

pub const SYMLINK: &str = "is a symbolic link: council never follows links in council.toml, proposals/, decisions/, votes/ or theme/; put the file itself there";
const SPECIAL: &str = "is not a regular file (a device, socket or pipe): governed paths hold regular files and folders only";
/// What a submodule entry in git is called in messages.
pub const SUBMODULE: &str =
    "is a git submodule: governed paths hold regular files and folders only";

/// Text from bytes, or why it is not text.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    if let Some(at) = memchr::memchr(0, &bytes) {
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(format!(
            "binary file (a NUL byte on line {line}): expected UTF-8 text"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let b = e.as_bytes();
        let line = b[..at].iter().filter(|&&x| x == b'\n').count() + 1;
        let col = at
            - b[..at]
                .iter()
                .rposition(|&x| x == b'\n')
                .map_or(0, |i| i + 1)
            + 1;
        format!("invalid UTF-8 at line {line}, column {col}: save the file as UTF-8")
    })
}

/// The finding for a file that cannot be read, at the line and column `why` names (as
/// [`decode`] writes them: "on line N", "at line N, column M"), else at the file's start.
pub fn unreadable(rel: &str, why: &str) -> Diagnostic {
    let mut d = Diagnostic::file("unreadable-file", rel, format!("{rel} {why}"));
    let number = |after: &str| -> Option<usize> {
        let rest = &why[why.find(after)? + after.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    if let Some(line) = number("line ") {
        d.line = line;
        d.column = number("column ").unwrap_or(1);
    }
    d
}

/// A path relative to `root`, `/`-separated.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// What a path in the repository is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// A symbolic link, submodule or special file, with why it is refused.
    Special(&'static str),
}

/// Where a repository's files come from: the disk, or a revision in git.
pub trait Files: Sync {
    /// What `rel` is (relative, `/`-separated), without following links; `None` if absent.
    fn kind(&self, rel: &str) -> Option<Kind>;
    /// The entries of directory `dir`. A missing directory has none.
    fn list(&self, dir: &str) -> Result<Vec<(String, Kind)>>;
    /// The text of the regular file at `rel`, or why it cannot be read as text.
    fn read(&self, rel: &str) -> Result<String, String>;
}

/// The files on disk under a root.
pub struct Disk {
    root: PathBuf,
}

impl Disk {
    pub fn new(root: &Path) -> Self {
        Disk {
            root: root.to_path_buf(),
        }
    }
}

fn kind_of(t: fs::FileType) -> Kind {
    if t.is_dir() {
        Kind::Dir
    } else {
        match not_regular(t) {
            None => Kind::File,
            Some(why) => Kind::Special(why),
        }
    }
}

impl Files for Disk {
    fn kind(&self, rel: &str) -> Option<Kind> {
        fs::symlink_metadata(self.root.join(rel))
            .ok()
            .map(|m| kind_of(m.file_type()))
    }

    fn list(&self, dir: &str) -> Result<Vec<(String, Kind)>> {
        let path = self.root.join(dir);
        let entries = match fs::read_dir(&path) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("cannot list {}", path.display())),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list {}", path.display()))?;
            // The kind from the directory listing itself, without a stat per entry.
            let kind = entry
                .file_type()
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            out.push((
                entry.file_name().to_string_lossy().into_owned(),
                kind_of(kind),
            ));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    fn read(&self, rel: &str) -> Result<String, String> {
        read_text(&self.root.join(rel))
    }
}

/// Files held in memory, such as a snapshot of a git revision.
#[derive(Debug, Default, Clone)]
pub struct MemFiles {
    pub files: std::collections::BTreeMap<String, Vec<u8>>,
    /// Entries that are not regular files (links, submodules), with why.
    pub special: std::collections::BTreeMap<String, &'static str>,
}

impl Files for MemFiles {
    fn kind(&self, rel: &str) -> Option<Kind> {
        if self.files.contains_key(rel) {
            return Some(Kind::File);
        }
        if let Some(why) = self.special.get(rel) {
            return Some(Kind::Special(why));
        }
        let prefix = format!("{rel}/");
        let inside = |k: &String| k.starts_with(&prefix);
        (self
            .files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| inside(k))
            || self
                .special
                .range(prefix.clone()..)
                .next()
                .is_some_and(|(k, _)| inside(k)))
        .then_some(Kind::Dir)
    }

    fn list(&self, dir: &str) -> Result<Vec<(String, Kind)>> {
        // A folder's paths are consecutive in the sorted maps: one range each, no scan.
        let prefix = format!("{dir}/");
        let under = |k: &&String| k.starts_with(&prefix);
        let files = self
            .files
            .range(prefix.clone()..)
            .map(|(k, _)| k)
            .take_while(under)
            .map(|k| (k, Kind::File));
        let special = self
            .special
            .range(prefix.clone()..)
            .take_while(|(k, _)| under(k))
            .map(|(k, why)| (k, Kind::Special(why)));
        let mut out: Vec<(String, Kind)> = files
            .chain(special)
            .map(|(path, kind)| {
                let rest = &path[prefix.len()..];
                match rest.split_once('/') {
                    Some((d, _)) => (d.to_owned(), Kind::Dir),
                    None => (rest.to_owned(), kind),
                }
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup();
        Ok(out)
    }

    fn read(&self, rel: &str) -> Result<String, String> {
        if let Some(why) = self.special.get(rel) {
            return Err((*why).to_owned());
        }
        match self.files.get(rel) {
            Some(bytes) if bytes.len() as u64 > MAX_FILE_BYTES => Err(format!(
                "is over the {} MB limit for a governed file",
                MAX_FILE_BYTES / 1024 / 1024
            )),
            Some(bytes) => decode(bytes.clone()),
            None => Err("does not exist at this revision".into()),
        }
    }
}

/// A loaded governance repository.
#[derive(Debug, Default)]
pub struct Repo {
    pub root: PathBuf,
    pub council: Council,
    /// Sorted by file path (as loaded): [`Repo::proposal_at`] searches it by halves.
    /// Shared, so that the history of `check --base` starts from them without a copy.
    pub proposals: Vec<Arc<Proposal>>,
    /// The decision records that parsed; see `broken_records` for the others.
    pub records: Vec<Arc<Record>>,
    /// Decisions whose record exists but could not be read or parsed.
    pub broken_records: std::collections::BTreeSet<String>,
    pub ballots: Vec<BallotFile>,
    pub castings: Vec<Casting>,
    /// Problems found while loading (per-file problems and council.toml's).
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read.
    pub files: usize,
    /// The texts an open record pins, by blob id, where the proposal on disk no longer matches
    /// its pin (read from git by [`Repo::read_pins`]): `frozen-text` points at the first
    /// line that changed.
    pub pinned: std::collections::HashMap<String, String>,
    /// The blob id git would store for a proposal whose checkout git converts (line endings,
    /// say), by file, where it differs from the id of its bytes on disk ([`Repo::read_pins`]).
    pub stored: std::collections::HashMap<String, String>,
}

/// A governed path that is not what it must be.
fn special(rel: &str, why: &str) -> Diagnostic {
    Diagnostic::file("non-regular-file", rel, format!("{rel} {why}"))
}

/// The text of the listed entry `rel` (of `kind`), where a `what` file belongs; or the finding
/// that says why it cannot be read.
fn read_entry(
    files: &dyn Files,
    rel: &str,
    kind: Kind,
    what: &str,
) -> Result<String, Box<Diagnostic>> {
    let found = match kind {
        Kind::File => files.read(rel).map_err(|why| unreadable(rel, &why)),
        Kind::Dir => Err(special(
            rel,
            &format!("is a directory, where a {what} was expected"),
        )),
        Kind::Special(why) => Err(special(rel, why)),
    };
    found.map_err(Box::new)
}

impl Repo {
    /// Loads the repository at `root` from disk. Fails only when council.toml is missing or
    /// unreadable.
    pub fn load(root: &Path) -> Result<Repo> {
        Repo::load_from(root, &Disk::new(root))
    }

    /// Loads the repository's files from `files` (the disk, or a git revision).
    pub fn load_from(root: &Path, files: &dyn Files) -> Result<Repo> {
        Repo::load_with(root, files, true)
    }

    /// Loads what counting needs: proposals' front matter only, not their markdown.
    pub fn load_for_count(root: &Path, files: &dyn Files) -> Result<Repo> {
        Repo::load_with(root, files, false)
    }

    /// Loads council.toml alone from the disk, failing as [`Repo::load`] does.
    pub fn load_council(root: &Path) -> Result<Council> {
        Ok(Self::read_council(root, &Disk::new(root))?.0)
    }

    fn read_council(root: &Path, files: &dyn Files) -> Result<(Council, Vec<Diagnostic>)> {
        let source = files
            .read(council::FILE)
            .map_err(|e| anyhow::anyhow!("{}: {e}", root.join(council::FILE).display()))?;
        Ok(Council::parse(source)?)
    }

    fn load_with(root: &Path, files: &dyn Files, body: bool) -> Result<Repo> {
        let (council, mut diagnostics) = Self::read_council(root, files)?;
        let mut count = 1;
        // The three governed folders: each a real directory, or absent.
        let mut listing = |dir: &str| -> Result<Vec<(String, Kind)>> {
            match files.kind(dir) {
                None | Some(Kind::Dir) => files.list(dir),
                Some(Kind::File) => {
                    diagnostics.push(special(dir, "is a file, where a folder was expected"));
                    Ok(Vec::new())
                }
                Some(Kind::Special(why)) => {
                    diagnostics.push(special(dir, why));
                    Ok(Vec::new())
                }
            }
        };
        let proposal_entries = listing("proposals")?;
        let record_entries = listing(record::DIR)?;
        let vote_entries = listing("votes")?;

        let mut paths: Vec<String> = Vec::new();
        for (name, kind) in proposal_entries {
            let rel = format!("proposals/{name}");
            match kind {
                Kind::Special(why) => diagnostics.push(special(&rel, why)),
                Kind::File if name.ends_with(".md") => paths.push(rel),
                Kind::Dir if name.ends_with(".md") => diagnostics.push(special(
                    &rel,
                    "is a directory, where a proposal file was expected",
                )),
                _ => {}
            }
        }
        count += paths.len();
        let mut record_files = Vec::new();
        for (name, kind) in record_entries {
            let rel = format!("{}/{name}", record::DIR);
            match name.strip_suffix(".toml") {
                Some(decision) => record_files.push((rel, decision.to_owned(), kind)),
                None => {
                    if let Kind::Special(why) = kind {
                        diagnostics.push(special(&rel, why));
                    }
                }
            }
        }
        count += record_files.len();
        // Proposals, records and ballots are read and parsed at once, on every core.
        let (parsed, (parsed_records, votes)) = rayon::join(
            || {
                parallel_map(&paths, |rel| match files.read(rel) {
                    Ok(text) if body => Proposal::parse(rel, text),
                    Ok(text) => (Proposal::parse_front_matter(rel, text), Vec::new()),
                    Err(why) => (None, vec![unreadable(rel, &why)]),
                })
            },
            || {
                rayon::join(
                    || {
                        parallel_map(&record_files, |(rel, decision, kind)| {
                            match read_entry(files, rel, *kind, "decision record") {
                                Ok(text) => Record::parse(rel, decision, text),
                                Err(d) => (None, vec![*d]),
                            }
                        })
                    },
                    || load_votes(files, vote_entries),
                )
            },
        );
        let mut proposals = Vec::with_capacity(parsed.len());
        for (p, d) in parsed {
            proposals.extend(p.map(Arc::new));
            diagnostics.extend(d);
        }
        debug_assert!(proposals.is_sorted_by(|a, b| a.file <= b.file));
        let mut records = Vec::new();
        let mut broken_records = std::collections::BTreeSet::new();
        for ((r, d), (_, decision, _)) in parsed_records.into_iter().zip(&record_files) {
            diagnostics.extend(d);
            match r {
                Some(r) => records.push(Arc::new(r)),
                None => {
                    broken_records.insert(decision.clone());
                }
            }
        }

        let votes = votes?;
        count += votes.files;
        diagnostics.extend(votes.diagnostics);

        Ok(Repo {
            root: root.to_path_buf(),
            council,
            proposals,
            records,
            broken_records,
            ballots: votes.ballots,
            castings: votes.castings,
            diagnostics,
            files: count,
            pinned: Default::default(),
            stored: Default::default(),
        })
    }

    /// For every option of an open vote whose file on disk is not its pin byte for byte: asks
    /// git which blob it would store for the file (a checkout may convert line endings), and
    /// where that is not the pin either, reads the pinned text from git, so that `frozen-text`
    /// can say which line changed. Outside a git repository, or when the pinned blob is not
    /// there, the bytes on disk are compared and the finding points at the file.
    pub fn read_pins(&mut self) {
        let mut differ = Vec::new();
        for r in self.records.iter().filter(|r| r.closed.is_none()) {
            for o in &r.options {
                if let Some(p) = self.proposal_at(&o.file) {
                    let raw = crate::git::blob_id(p.source.as_bytes());
                    if raw != o.text {
                        differ.push((p.file.clone(), o.text.clone(), raw));
                    }
                }
            }
        }
        if differ.is_empty() {
            return;
        }
        let Ok(git) = crate::git::Git::open(&self.root) else {
            return;
        };
        for (file, pin, raw) in differ {
            let Some(p) = self.proposal_at(&file) else {
                continue;
            };
            if let Some(id) = crate::git::stored_id(&self.root, &file, p.source.as_bytes())
                && id != raw
            {
                self.stored.insert(file.clone(), id);
            }
            if self.stored.get(&file) == Some(&pin) {
                continue;
            }
            let text = git
                .parse_id(&pin)
                .and_then(|id| git.blob(id).ok())
                .and_then(|b| String::from_utf8(b).ok());
            if let Some(text) = text {
                self.pinned.insert(pin, text);
            }
        }
    }

    /// The blob id of proposal `p`'s text as git stores it (see [`Repo::read_pins`]).
    pub fn text_id(&self, p: &Proposal) -> String {
        self.stored
            .get(&p.file)
            .cloned()
            .unwrap_or_else(|| crate::git::blob_id(p.source.as_bytes()))
    }

    /// Whether `p` is the text that record option `o` pins.
    pub fn pins(&self, o: &crate::model::record::RecordOption, p: &Proposal) -> bool {
        self.text_id(p) == o.text
    }

    /// Stops a command that depends on council.toml when a value in it is present but wrong:
    /// council never falls back to a default (exit 2, naming file, line and column).
    pub fn require_valid_council(&self) -> Result<()> {
        if let Some(d) = self
            .diagnostics
            .iter()
            .find(|d| d.rule == "invalid-council" && d.file == council::FILE)
        {
            return Err(crate::Located::of(
                d,
                " (fix council.toml first; `council check` lists every problem)",
            )
            .into());
        }
        Ok(())
    }

    /// Stops a command that opens, casts, counts or records a vote when council.toml, or the
    /// `[rules]` of the process document it names, hold a value that is present but wrong: such a
    /// value is never replaced by a default (exit 2, naming file, line and column).
    pub fn require_valid_config(&self) -> Result<()> {
        self.require_valid_council()?;
        let Some(p) = self.process_document() else {
            return Ok(());
        };
        if let Some(d) = p.rules_problems.first() {
            return Err(crate::Located::of(
                d,
                " (the rules in force are never guessed: fix them first; `council check` lists every problem)",
            )
            .into());
        }
        if p.rules.is_none()
            && let Some(span) = p.rules_span.clone()
        {
            let (line, column, _) = crate::diag::locate(&p.source, span);
            return Err(crate::Located {
                file: p.file.clone(),
                line,
                column,
                message: "`rules` must be a table ([rules]) (the rules in force are never guessed: fix them first)".into(),
            }
            .into());
        }
        Ok(())
    }

    /// The first problem that makes decision `name`'s record unreadable, if it is broken.
    pub fn record_problem(&self, name: &str) -> Option<crate::Located> {
        if !self.broken_records.contains(name) {
            return None;
        }
        let file = record::path(name);
        Some(match self.diagnostics.iter().find(|d| d.file == file) {
            Some(d) => crate::Located::of(d, ""),
            None => crate::Located {
                file,
                line: 1,
                column: 1,
                message: "cannot be read".into(),
            },
        })
    }

    pub fn proposal(&self, id: u32) -> Option<&Proposal> {
        self.proposals
            .iter()
            .find(|p| p.id.as_ref().is_some_and(|i| i.value == id))
            .map(|p| &**p)
    }

    /// The proposal at `file` (a record names its options by path as well as id).
    pub fn proposal_at(&self, file: &str) -> Option<&Proposal> {
        self.proposals
            .binary_search_by(|p| p.file.as_str().cmp(file))
            .ok()
            .map(|i| &*self.proposals[i])
    }

    /// The decision record of `name`, if it exists and parses.
    pub fn record(&self, name: &str) -> Option<&Record> {
        self.records
            .iter()
            .find(|r| r.decision == name)
            .map(|r| &**r)
    }

    /// The open decision record that has proposal `id` among its options, if any.
    pub fn open_record_of(&self, id: u32) -> Option<&Record> {
        self.records
            .iter()
            .find(|r| !r.is_closed() && r.option(id).is_some())
            .map(|r| &**r)
    }

    /// The process document named by council.toml, if it exists.
    pub fn process_document(&self) -> Option<&Proposal> {
        self.council
            .process
            .as_ref()
            .and_then(|id| self.proposal(id.value))
    }

    /// The rules in force: the process document's `[rules]`, or every default.
    pub fn rules(&self) -> Rules {
        self.process_document()
            .and_then(|p| p.rules.as_ref())
            .map(|r| r.value.clone())
            .unwrap_or_default()
    }
}

/// Everything read from `votes/`.
#[derive(Debug, Default)]
struct Votes {
    ballots: Vec<BallotFile>,
    castings: Vec<Casting>,
    files: usize,
    diagnostics: Vec<Diagnostic>,
}

/// Reads every ballot under `votes/` (whose entries are given).
fn load_votes(files: &dyn Files, decisions: Vec<(String, Kind)>) -> Result<Votes> {
    let mut votes = Votes::default();
    // Listed first, then read and parsed on every core: a history of votes holds thousands.
    let mut entries: Vec<(String, &str, String, Kind)> = Vec::new();
    let listed = parallel_map(&decisions, |(decision, kind)| match kind {
        Kind::Dir => files.list(&format!("votes/{decision}")).map(Some),
        _ => Ok(None),
    });
    for ((decision, kind), listed) in decisions.iter().zip(listed) {
        let dir = format!("votes/{decision}");
        if let Kind::Special(why) = kind {
            votes.diagnostics.push(special(&dir, why));
        }
        let Some(listed) = listed? else {
            continue;
        };
        for (name, kind) in listed {
            let rel = format!("{dir}/{name}");
            let Some(stem) = name.strip_suffix(".toml") else {
                if let Kind::Special(why) = kind {
                    votes.diagnostics.push(special(&rel, why));
                }
                continue;
            };
            entries.push((rel, decision, stem.to_owned(), kind));
        }
    }
    votes.files += entries.len();
    enum Found {
        Ballot(BallotFile),
        Casting(Casting),
        Unreadable,
    }
    let parsed = parallel_map(&entries, |(rel, decision, stem, kind)| {
        let text = match read_entry(files, rel, *kind, "ballot file") {
            Ok(t) => t,
            Err(d) => return (Found::Unreadable, vec![*d]),
        };
        if stem == "casting" {
            let (c, d) = Casting::parse(rel, decision, text);
            (Found::Casting(c), d)
        } else {
            let (b, d) = BallotFile::parse(rel, decision, stem, text);
            (Found::Ballot(b), d)
        }
    });
    for (found, d) in parsed {
        match found {
            Found::Ballot(b) => votes.ballots.push(b),
            Found::Casting(c) => votes.castings.push(c),
            Found::Unreadable => {}
        }
        votes.diagnostics.extend(d);
    }
    Ok(votes)
}

/// Frees `value` on a thread of its own: thousands of parsed files take milliseconds to free,
/// which the answer need not wait for (the process may exit first; the memory goes with it).
pub fn drop_in_background<T: Send + 'static>(value: T) {
    // Where no thread can be started, the closure is dropped at once, and the value with it.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Maps `f` over `items` on every available core, keeping order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().with_min_len(16).map(&f).collect()
}

/// Writes `contents` to `path` atomically: a temporary file in the same directory, then rename.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.council-{}.tmp", std::process::id()));
    let result = (|| -> io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

impl Repo {
    /// The proposal named on the command line as `7` or `0007`.
    pub fn find_proposal(&self, id: &str) -> Result<&Proposal> {
        let n: u32 = id.trim().parse().map_err(|_| {
            anyhow::anyhow!("`{id}` is not a proposal id (a number such as 7 or 0007)")
        })?;
        if let Some(p) = self.proposal(n) {
            return Ok(p);
        }
        // A file named for the id that does not parse is not "no proposal".
        let prefix = format!("proposals/{n:04}-");
        if let Some(d) = self
            .unparsed_proposals()
            .into_iter()
            .find(|d| d.file.starts_with(&prefix))
        {
            return Err(crate::Located::of(
                d,
                &format!(
                    " ({} is proposal {n}'s file, but it cannot be read until this is fixed)",
                    d.file
                ),
            )
            .into());
        }
        anyhow::bail!("no proposal with id {n} in proposals/")
    }

    /// The proposal files that could not be read or parsed (so are in no list, vote or count),
    /// each with its first finding.
    pub fn unparsed_proposals(&self) -> Vec<&Diagnostic> {
        let mut seen = std::collections::BTreeSet::new();
        self.diagnostics
            .iter()
            .filter(|d| {
                d.file.starts_with("proposals/")
                    && d.file.ends_with(".md")
                    && self.proposal_at(&d.file).is_none()
                    && seen.insert(d.file.clone())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_names_the_problem() {
        assert!(decode(b"a\n\0".to_vec()).unwrap_err().contains("line 2"));
        let e = decode(b"ok\nab\xff".to_vec()).unwrap_err();
        assert!(e.contains("line 2, column 3"), "{e}");
        assert_eq!(decode(b"fine".to_vec()).unwrap(), "fine");
        let d = unreadable("a.toml", &e);
        assert_eq!((d.line, d.column), (2, 3), "{}", d.message);
        let d = unreadable("b.md", &decode(b"a\nb\n\0".to_vec()).unwrap_err());
        assert_eq!((d.line, d.column), (3, 1));
    }

    #[test]
    fn unreadable_points_at_the_position_named() {
        let d = unreadable("p.md", &decode(b"a\nbc\xff".to_vec()).unwrap_err());
        assert_eq!((d.line, d.column), (2, 3));
        let d = unreadable("p.md", &decode(b"a\n\n\0".to_vec()).unwrap_err());
        assert_eq!((d.line, d.column), (3, 1));
        let d = unreadable("p.md", "cannot read: permission denied");
        assert_eq!((d.line, d.column), (1, 1));
    }

    #[test]
    fn parallel_map_keeps_order() {
        let v: Vec<u32> = (0..1000).collect();
        assert_eq!(
            parallel_map(&v, |x| x * 2),
            v.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
    }
}
