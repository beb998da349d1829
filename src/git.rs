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
