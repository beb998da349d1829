//! The governed files at one commit, parsed once and indexed for the table's lookups, and moved
//! from commit to commit by the difference of their trees.

use super::*;

/// A governed file as it stands at one commit, parsed once.
#[derive(Clone, Debug)]
pub(super) struct Item {
    pub(super) entry: Entry,
    pub(super) parsed: Parsed,
}

#[derive(Clone, Debug)]
pub(super) enum Parsed {
    Council(Option<Arc<Council>>),
    Proposal(Option<Arc<Proposal>>),
    Record(Option<Arc<Record>>),
    Other,
}

/// A small set of names in order: the indexes' entries hold one name nearly always, and a
/// long history holds thousands of them (a tree set would allocate a node for each).
#[derive(Clone, Debug, Default)]
pub(super) struct Names(Vec<String>);

impl Names {
    fn insert(&mut self, name: &str) {
        if let Err(at) = self.0.binary_search_by(|n| n.as_str().cmp(name)) {
            self.0.insert(at, name.to_owned());
        }
    }

    fn remove(&mut self, name: &str) {
        if let Ok(at) = self.0.binary_search_by(|n| n.as_str().cmp(name)) {
            self.0.remove(at);
        }
    }

    pub(super) fn iter(&self) -> std::slice::Iter<'_, String> {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a Names {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The governed files at one commit, with indexes for the lookups the rows make.
#[derive(Default, Clone)]
pub(super) struct State {
    pub(super) at: Option<ObjectId>,
    pub(super) files: BTreeMap<String, Item>,
    /// Proposal file path → the decisions whose records name it as an option.
    pub(super) named_by: HashMap<String, Names>,
    /// Proposal id → the paths of the proposals with that id.
    pub(super) by_id: HashMap<u32, Names>,
    /// Folders `votes/D` not listed in `files` yet, with their tree at `at`: listed (by
    /// [`State::list_votes`]) before anything reads or changes them.
    pub(super) unlisted: HashMap<String, ObjectId>,
}

impl State {
    pub(super) fn council(&self) -> Option<&Council> {
        match self.files.get(council::FILE).map(|i| &i.parsed) {
            Some(Parsed::Council(c)) => c.as_deref(),
            _ => None,
        }
    }

    pub(super) fn proposal(&self, path: &str) -> Option<&Proposal> {
        match self.files.get(path).map(|i| &i.parsed) {
            Some(Parsed::Proposal(p)) => p.as_deref(),
            _ => None,
        }
    }

    pub(super) fn record(&self, name: &str) -> Option<&Record> {
        match self.files.get(&record::path(name)).map(|i| &i.parsed) {
            Some(Parsed::Record(r)) => r.as_deref(),
            _ => None,
        }
    }

    pub(super) fn proposal_by_id(&self, id: u32) -> Option<&Proposal> {
        self.by_id
            .get(&id)?
            .iter()
            .find_map(|path| self.proposal(path))
    }

    pub(super) fn index(&mut self, path: &str, item: &Item, add: bool) {
        match &item.parsed {
            Parsed::Record(Some(r)) => {
                for o in &r.options {
                    let set = self.named_by.entry(o.file.clone()).or_default();
                    if add {
                        set.insert(&r.decision);
                    } else {
                        set.remove(&r.decision);
                    }
                }
            }
            Parsed::Proposal(Some(p)) => {
                if let Some(id) = &p.id {
                    let set = self.by_id.entry(id.value).or_default();
                    if add {
                        set.insert(path);
                    } else {
                        set.remove(path);
                    }
                }
            }
            _ => {}
        }
    }

    /// The files in `votes/D/`: (path, entry). The folder must be listed ([`State::list_votes`]).
    pub(super) fn votes(&self, name: &str) -> impl Iterator<Item = (&String, &Item)> {
        let dir = format!("votes/{name}");
        debug_assert!(!self.unlisted.contains_key(&dir), "{dir} read unlisted");
        under(&self.files, &dir)
    }

    /// Lists the folder `votes/D` holding `path` (a file at any depth in it, or its record
    /// `decisions/D.toml`), if it was left unlisted.
    pub(super) fn list_votes(&mut self, git: &Git, cache: &mut Cache, path: &str) -> Result<()> {
        if self.unlisted.is_empty() {
            return Ok(());
        }
        let dir = match (path.strip_prefix("votes/"), record_name(path)) {
            (Some(rest), _) => match rest.split_once('/') {
                Some((d, _)) => format!("votes/{d}"),
                None => return Ok(()),
            },
            (None, Some(d)) => format!("votes/{d}"),
            (None, None) => return Ok(()),
        };
        if let Some(tree) = self.unlisted.remove(&dir) {
            for ch in git.list_folder(&dir, tree)? {
                if let Some(e) = ch.new {
                    let item = cache.item(git, &ch.path, e)?;
                    self.files.insert(ch.path, item);
                }
            }
        }
        Ok(())
    }
}

/// Parses governed files by blob id, once each.
#[derive(Default)]
pub(super) struct Cache {
    pub(super) parsed: HashMap<(ObjectId, FileKind), Parsed>,
    /// Files already parsed elsewhere (the working tree), taken as they are met.
    pub(super) seed: Seed,
}

/// Files of the working tree, parsed already, by the blob id of their text: the state at the
/// base of `check --base` shares nearly all of them, so history need not read those from git
/// and parse them again. An entry is the parse of exactly the text whose blob id is its key, so
/// it is what history would have made of that blob.
#[derive(Default)]
pub struct Seed {
    proposals: HashMap<(ObjectId, String), Arc<Proposal>>,
    records: HashMap<ObjectId, Arc<Record>>,
    council: Option<(ObjectId, Council)>,
}

impl Seed {
    /// The proposals, records and council.toml `repo` loaded, keyed by their blob ids.
    pub fn of(repo: &crate::repo::Repo) -> Seed {
        let id = |text: &str| ObjectId::of_blob(text.as_bytes());
        // Hashed on this thread: the pool's threads are checking the same files meanwhile, and
        // a job given to them would wait behind theirs. The entries share the parses (no copy).
        let proposals = (repo.proposals.iter())
            .map(|p| ((id(&p.source), p.file.clone()), Arc::clone(p)))
            .collect();
        let records = (repo.records.iter())
            .map(|r| (id(&r.source), Arc::clone(r)))
            .collect();
        let council = Some((id(&repo.council.source), repo.council.clone()));
        Seed {
            proposals,
            records,
            council,
        }
    }
}

/// The governed files the rows read parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum FileKind {
    Council,
    Proposal,
    Record,
}

impl FileKind {
    pub(super) fn of(path: &str) -> Option<FileKind> {
        if path == council::FILE {
            Some(FileKind::Council)
        } else if proposal_path(path) {
            Some(FileKind::Proposal)
        } else if record_name(path).is_some() {
            Some(FileKind::Record)
        } else {
            None
        }
    }
}

/// The paths under `dir/` in a sorted map: the range from `dir/` to `dir0` (`0` follows `/`).
pub(super) fn under<'m, V>(
    files: &'m BTreeMap<String, V>,
    dir: &str,
) -> std::collections::btree_map::Range<'m, String, V> {
    files.range(format!("{dir}/")..format!("{dir}0"))
}

/// A file of the rendered site's templates, style and script (`theme/`, at any depth).
pub(super) fn theme_path(path: &str) -> bool {
    path.strip_prefix(crate::render::templates::THEME_DIR)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

pub(super) fn proposal_path(path: &str) -> bool {
    path.strip_prefix("proposals/")
        .is_some_and(|n| n.ends_with(".md") && !n.contains('/'))
}

/// `decisions/<D>.toml` → D.
pub(super) fn record_name(path: &str) -> Option<&str> {
    let n = path.strip_prefix("decisions/")?.strip_suffix(".toml")?;
    (!n.contains('/')).then_some(n)
}

/// `votes/<D>/<X>.toml` → (D, X).
pub(super) fn ballot_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("votes/")?;
    let (decision, file) = rest.split_once('/')?;
    let who = file.strip_suffix(".toml")?;
    (!who.contains('/')).then_some((decision, who))
}

impl Cache {
    pub(super) fn item(&mut self, git: &Git, path: &str, entry: Entry) -> Result<Item> {
        let kind = match FileKind::of(path) {
            Some(k) if entry.special.is_none() => k,
            _ => {
                return Ok(Item {
                    entry,
                    parsed: Parsed::Other,
                });
            }
        };
        if let Some(p) = self.parsed.get(&(entry.id, kind)) {
            return Ok(Item {
                entry,
                parsed: p.clone(),
            });
        }
        let seeded = match kind {
            FileKind::Proposal => self
                .seed
                .proposals
                .remove(&(entry.id, path.to_owned()))
                .map(|p| Parsed::Proposal(Some(p))),
            FileKind::Record => self
                .seed
                .records
                .remove(&entry.id)
                .map(|r| Parsed::Record(Some(r))),
            FileKind::Council => match self.seed.council.take() {
                Some((id, c)) if id == entry.id => Some(Parsed::Council(Some(Arc::new(c)))),
                other => {
                    self.seed.council = other;
                    None
                }
            },
        };
        if let Some(parsed) = seeded {
            if kind != FileKind::Proposal {
                self.parsed.insert((entry.id, kind), parsed.clone());
            }
            return Ok(Item { entry, parsed });
        }
        let text = crate::repo::decode(git.blob(entry.id)?).ok();
        let parsed = match kind {
            FileKind::Council => Parsed::Council(
                text.and_then(|t| Council::parse(t).ok())
                    .map(|(c, _)| Arc::new(c)),
            ),
            FileKind::Proposal => Parsed::Proposal(
                text.and_then(|t| Proposal::parse_front_matter(path, t))
                    .map(Arc::new),
            ),
            FileKind::Record => Parsed::Record(text.and_then(|t| {
                let name = record_name(path).unwrap_or_default();
                Record::parse(path, name, t).0.map(Arc::new)
            })),
        };
        // Proposals are parsed with their path; a blob at another path is parsed again.
        if kind != FileKind::Proposal {
            self.parsed.insert((entry.id, kind), parsed.clone());
        }
        Ok(Item { entry, parsed })
    }
}

impl State {
    /// Applies `changes`; returns the items they replaced (for the state before).
    pub(super) fn apply(
        &mut self,
        git: &Git,
        cache: &mut Cache,
        changes: &[Change],
    ) -> Result<HashMap<String, Option<Item>>> {
        let mut old = HashMap::with_capacity(changes.len());
        self.update(git, cache, changes, |path, prev| {
            old.insert(path.to_owned(), prev);
        })?;
        Ok(old)
    }

    /// Applies `changes`, handing each replaced item to `replaced`.
    pub(super) fn update(
        &mut self,
        git: &Git,
        cache: &mut Cache,
        changes: &[Change],
        mut replaced: impl FnMut(&str, Option<Item>),
    ) -> Result<()> {
        for ch in changes {
            self.list_votes(git, cache, &ch.path)?;
            let prev = self.files.remove(&ch.path);
            if let Some(p) = &prev {
                self.index(&ch.path, p, false);
            }
            if let Some(e) = ch.new {
                let item = cache.item(git, &ch.path, e)?;
                self.index(&ch.path, &item, true);
                self.files.insert(ch.path.clone(), item);
            }
            replaced(&ch.path, prev);
        }
        Ok(())
    }

    /// Moves the state to `target` by the difference of the two trees.
    pub(super) fn move_to(
        &mut self,
        git: &Git,
        cache: &mut Cache,
        target: Option<ObjectId>,
    ) -> Result<()> {
        if self.at == target {
            return Ok(());
        }
        match target {
            None => *self = State::default(),
            Some(t) => {
                let changes = git.diff(self.at, t)?;
                self.update(git, cache, &changes, |_, _| {})?;
                self.at = Some(t);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            ballot_path("votes/lockfile/ada.toml"),
            Some(("lockfile", "ada"))
        );
        assert_eq!(ballot_path("votes/lockfile/x/ada.toml"), None);
        assert_eq!(record_name("decisions/lockfile.toml"), Some("lockfile"));
        assert!(proposal_path("proposals/0001-a.md"));
        assert!(!proposal_path("proposals/x/0001-a.md"));
    }
}
