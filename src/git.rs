//! The only module that talks to git (through git2). Everything else sees plain data.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use git2::Repository;

/// Who git will author a commit as: the name and email of `git var GIT_AUTHOR_IDENT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

/// Runs `git` in `dir` with `args` and `envs`: its output, or why it could not be started.
fn run_git(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Result<std::process::Output> {
    std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .envs(envs.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| anyhow!("the `git` command could not be started: {e}"))
}

/// [`run_git`] with `input` on its standard input (written on its own thread: git may print
/// before it has read everything); standard error is dropped. `None` if git could not start.
fn run_git_with_input(dir: &Path, args: &[&str], input: Vec<u8>) -> Option<std::process::Output> {
    use std::io::Write as _;
    let mut child = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().ok()?;
    let _ = writer.join();
    Some(out)
}

/// The files git tracks under the folder `dir`, relative to it (`git ls-files`); none outside
/// a git repository or without git.
pub fn tracked_under(dir: &Path) -> Vec<String> {
    run_git(dir, &["ls-files", "-z"], &[])
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            o.stdout
                .split(|&b| b == 0)
                .filter(|f| !f.is_empty())
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The blob id git would store for `bytes` committed at `rel` (relative to `dir`), after the
/// conversions git's attributes and configuration apply there (line endings, `ident`, filter
/// drivers), as `git add` would store it; `None` outside a git repository or without git.
///
/// A checkout may differ from what git stores (a Windows checkout with `core.autocrlf`, a
/// `.gitattributes` with `eol=crlf`): a text pin is of what git stores, so a file is compared
/// with its pin through this. Where `git hash-object` would convert the text, `git add` itself
/// is asked (into a copy of the index, from a scratch working tree): it keeps CRLF where the
/// version in the index already has it, which `hash-object` does not know.
pub fn stored_id(dir: &Path, rel: &str, bytes: &[u8]) -> Option<String> {
    let hashed = hash_object(dir, rel, bytes)?;
    if hashed == blob_id(bytes) {
        return Some(hashed);
    }
    Some(added_id(dir, rel, bytes).unwrap_or(hashed))
}

/// `git hash-object --stdin --path REL` of `bytes`, run in `dir`.
fn hash_object(dir: &Path, rel: &str, bytes: &[u8]) -> Option<String> {
    let out = run_git_with_input(
        dir,
        &["hash-object", "--stdin", "--path", rel],
        bytes.to_vec(),
    )?;
    hex_id(&out)
}

/// The blob id `git add` stores for `bytes` at `rel` (relative to `dir`), given the index as it
/// is: added into a copy of the index from a scratch working tree, which is removed after.
fn added_id(dir: &Path, rel: &str, bytes: &[u8]) -> Option<String> {
    let git = Git::open(dir).ok()?;
    let full = git.full(rel);
    static SCRATCH: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SCRATCH.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let scratch = std::env::temp_dir().join(format!("council-add-{}-{n}", std::process::id()));
    let result = (|| {
        let tree = scratch.join("tree");
        let file = tree.join(&full);
        std::fs::create_dir_all(file.parent()?).ok()?;
        std::fs::write(&file, bytes).ok()?;
        let index = scratch.join("index");
        let real = git.repo.path().join("index");
        if real.exists() {
            std::fs::copy(&real, &index).ok()?;
        }
        let git_dir = git.repo.path().to_string_lossy().into_owned();
        let tree_arg = tree.to_string_lossy().into_owned();
        let index_arg = index.to_string_lossy().into_owned();
        let env = [("GIT_INDEX_FILE", index_arg.as_str())];
        let base = ["--git-dir", &git_dir, "--work-tree", &tree_arg];
        let add = run_git(
            &tree,
            &[&base[..], &["add", "-f", "--", &full]].concat(),
            &env,
        )
        .ok()?;
        if !add.status.success() {
            return None;
        }
        let listed = run_git(
            &tree,
            &[&base[..], &["rev-parse", &format!(":{full}")]].concat(),
            &env,
        )
        .ok()?;
        hex_id(&listed)
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// The object id a git command printed, if it succeeded.
fn hex_id(out: &std::process::Output) -> Option<String> {
    let hex = std::str::from_utf8(&out.stdout).ok()?.trim();
    (out.status.success() && hex.len() >= 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| hex.to_owned())
}

/// The checkout conversions other than line endings (`ident`, a `filter` driver, a
/// `working-tree-encoding`) that git's attributes apply to the governed files `rels` (relative
/// to the governance root `root`): each attribute with its value, the first attribute file in
/// the governance root that names it (with the line), and the files. Such a conversion makes
/// the checkout say something other than what git stores, so that what `tally` counts and what
/// history judges differ.
///
/// The attribute files are read first, as bytes, without starting git: the `.gitattributes`
/// from the top of the working tree down to the governed folders (`theme/` too), the
/// repository's `info/attributes` and the user's attributes file. Where one names an attribute,
/// is not plain UTF-8 text (a checkout may have re-encoded it), or a configuration names
/// another attributes file, git itself says which files the attributes apply to
/// (`git check-attr`, from the index as a checkout reads them and from the working tree), so
/// that quoting, macros and encodings mean exactly what they mean to git.
pub fn checkout_conversions(root: &Path, rels: &[&str]) -> Vec<Conversion> {
    const ATTRS: [&str; 3] = ["ident", "filter", "working-tree-encoding"];
    let Ok(root) = root.canonicalize() else {
        return Vec::new();
    };
    // The top of the working tree, and the git folder.
    let Some(top) = root.ancestors().find(|d| d.join(".git").exists()) else {
        return Vec::new();
    };
    let dot_git = top.join(".git");
    let git_dirs: Vec<PathBuf> = if dot_git.is_dir() {
        vec![dot_git.clone()]
    } else {
        // A linked worktree or a submodule: `.git` is a file that names the git folder.
        let named = std::fs::read_to_string(&dot_git).unwrap_or_default();
        let dir = named
            .lines()
            .find_map(|l| l.strip_prefix("gitdir:"))
            .map(|d| top.join(d.trim()));
        let mut dirs: Vec<PathBuf> = dir.iter().cloned().collect();
        if let Some(common) = dir
            .as_ref()
            .and_then(|d| std::fs::read_to_string(d.join("commondir")).ok())
        {
            dirs.push(dir.clone().unwrap_or_default().join(common.trim()));
        }
        dirs
    };
    // (path relative to the governance root where it is inside it, path on disk)
    let mut sources: Vec<(Option<String>, PathBuf)> = Vec::new();
    for dir in root.ancestors().take_while(|d| d.starts_with(top)) {
        let rel = dir
            .strip_prefix(&root)
            .ok()
            .map(|_| ".gitattributes".to_owned());
        sources.push((rel, dir.join(".gitattributes")));
    }
    for sub in GOVERNED_FOLDERS {
        sources.push((
            Some(format!("{sub}/.gitattributes")),
            root.join(sub).join(".gitattributes"),
        ));
    }
    for d in &git_dirs {
        sources.push((None, d.join("info/attributes")));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if let Some(config) = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")))
    {
        sources.push((None, config.join("git/attributes")));
    }
    let mut ask_git = false;
    // Where each attribute is first named in the governance root, for the finding's position.
    let mut named: Vec<(&str, (String, usize))> = Vec::new();
    for (rel, path) in &sources {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        if bytes.contains(&0) || std::str::from_utf8(&bytes).is_err() {
            ask_git = true;
        }
        for attr in ATTRS {
            let Some(at) = bytes.windows(attr.len()).position(|w| w == attr.as_bytes()) else {
                continue;
            };
            ask_git = true;
            if let Some(rel) = rel
                && !named.iter().any(|(a, _)| *a == attr)
            {
                let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
                named.push((attr, (rel.clone(), line)));
            }
        }
    }
    // Another attributes file, named in a configuration.
    let configs = git_dirs
        .iter()
        .map(|d| d.join("config"))
        .chain(home.iter().map(|h| h.join(".gitconfig")));
    if configs.filter_map(|c| std::fs::read(c).ok()).any(|t| {
        t.to_ascii_lowercase()
            .windows(14)
            .any(|w| w == b"attributesfile")
    }) {
        ask_git = true;
    }
    if !ask_git {
        return Vec::new();
    }
    // Filter drivers git knows: a filter attribute without one converts nothing.
    let drivers = run_git(&root, &["config", "--get-regexp", r"^filter\."], &[])
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut out: Vec<Conversion> = Vec::new();
    for cached in [true, false] {
        for (rel, attr, value) in check_attr(&root, rels, &ATTRS, cached) {
            let converts = match attr.as_str() {
                "ident" => value == "set",
                "filter" => {
                    !["unset", "unspecified", "set"].contains(&value.as_str())
                        && drivers.lines().any(|l| {
                            l.strip_prefix("filter.")
                                .and_then(|r| r.strip_prefix(value.as_str()))
                                .is_some_and(|r| r.starts_with('.'))
                        })
                }
                _ => !["unset", "unspecified"].contains(&value.as_str()),
            };
            if !converts {
                continue;
            }
            let Some(attr) = ATTRS.iter().copied().find(|a| *a == attr) else {
                continue;
            };
            match out.iter_mut().find(|c| c.attr == attr && c.value == value) {
                Some(c) => {
                    if !c.files.contains(&rel) {
                        c.files.push(rel);
                    }
                }
                None => out.push(Conversion {
                    attr,
                    source: named
                        .iter()
                        .find(|(a, _)| *a == attr)
                        .map(|(_, s)| s.clone()),
                    value,
                    files: vec![rel],
                }),
            }
        }
    }
    out
}

/// `git check-attr` of `attrs` for the paths `rels` (relative to `root`), from the index
/// (`cached`) or the working tree: (path, attribute, value) where set to anything.
fn check_attr(
    root: &Path,
    rels: &[&str],
    attrs: &[&str],
    cached: bool,
) -> Vec<(String, String, String)> {
    let mut args = vec!["check-attr", "-z", "--stdin"];
    if cached {
        args.push("--cached");
    }
    args.extend(attrs);
    let input: Vec<u8> = rels
        .iter()
        .flat_map(|r| [r.as_bytes(), b"\0"].concat())
        .collect();
    let Some(out) = run_git_with_input(root, &args, input) else {
        return Vec::new();
    };
    let fields: Vec<String> = out
        .stdout
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    fields
        .chunks(3)
        .filter(|c| c.len() == 3 && c[2] != "unspecified")
        .map(|c| (c[0].clone(), c[1].clone(), c[2].clone()))
        .collect()
}

/// `Name <email> 1700000000 +0000`, as `git var` prints an identity: the name and email.
fn parse_ident(line: &str) -> Option<Identity> {
    let close = line.rfind('>')?;
    let open = line[..close].rfind('<')?;
    let name = line[..open].trim();
    let email = line[open + 1..close].trim();
    (!name.is_empty() && !email.is_empty()).then(|| Identity {
        name: name.to_owned(),
        email: email.to_owned(),
    })
}

/// The identity `git var VAR` (`GIT_AUTHOR_IDENT` or `GIT_COMMITTER_IDENT`) gives in `dir`.
///
/// That is exactly the identity `git commit` will use there: it honours `GIT_AUTHOR_NAME` and
/// `GIT_AUTHOR_EMAIL`, `author.*` and `user.*` from every configuration file, `includeIf`,
/// `GIT_CONFIG_COUNT` and `-c`, and `EMAIL`. An email git would only make up from the user and
/// host names (`git commit` warns about one) counts as none: a governance record should not say
/// `root@localhost` made a change because nobody set an identity. (A name from the system's user
/// database is taken, as git takes it.)
fn ident(dir: &Path, var: &str) -> Result<Identity> {
    let (what, prefix) = if var == "GIT_AUTHOR_IDENT" {
        ("author", "GIT_AUTHOR")
    } else {
        ("committer", "GIT_COMMITTER")
    };
    let parse = |out: &std::process::Output| {
        parse_ident(String::from_utf8_lossy(&out.stdout).trim()).ok_or_else(|| {
            anyhow!(
                "`git var {var}` printed no name and email: {}",
                String::from_utf8_lossy(&out.stdout).trim()
            )
        })
    };
    // Asked without guessing first: the answer when everything is set.
    let strict = ["-c", "user.useConfigOnly=true", "var", var];
    let out = run_git(dir, &strict, &[])?;
    if out.status.success() {
        return parse(&out);
    }
    let out = run_git(dir, &["var", var], &[])?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let why = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message")
            .trim();
        bail!("git has no {what} identity ({why})");
    }
    let found = parse(&out)?;
    // Whether the email was given, not made up: asked again without guessing, the name given
    // as git found it, and EMAIL (which git takes where no email is configured, and the
    // question without guessing leaves out) given as the email where it is that email.
    let name_var = format!("{prefix}_NAME");
    let email_var = format!("{prefix}_EMAIL");
    let mut envs = vec![(name_var.as_str(), found.name.as_str())];
    let from_env = std::env::var("EMAIL").is_ok_and(|e| e.trim() == found.email);
    if from_env {
        envs.push((email_var.as_str(), found.email.as_str()));
    }
    if run_git(dir, &strict, &envs)?.status.success() {
        return Ok(found);
    }
    bail!(
        "git has no {what} email set: it would make one up from your user and host names ({})",
        found.email
    )
}

/// Who git will author a commit as in `dir` (see `ident`), or why there is nobody.
pub fn identity(dir: &Path) -> Result<Identity> {
    ident(dir, "GIT_AUTHOR_IDENT")
}

/// The git blob id of `bytes` (what `git hash-object` prints), in or outside a repository.
pub fn blob_id(bytes: &[u8]) -> String {
    git2::Oid::hash_object(git2::ObjectType::Blob, bytes)
        .map(|o| o.to_string())
        .unwrap_or_default()
}

/// Runs `git` in `dir` with `args`; its standard output, or why it failed.
fn git_cmd(dir: &Path, args: &[&str]) -> Result<String> {
    let out =
        run_git(dir, args, &[]).map_err(|e| anyhow!("--commit runs the `git` command: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let err = err.trim();
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            if err.is_empty() { "no message" } else { err }
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Where a repository stands before its files are committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// `dir` is in no git repository (or git cannot be run).
    NoRepository,
    /// A repository without any commit: the next one is the import.
    NoCommit,
    /// A repository with history (on an orphan branch too: its next commit would be another
    /// root, not the import).
    Commits,
}

/// Where the repository holding `dir` stands, as the `git` command sees it.
pub fn start(dir: &Path) -> Start {
    if git_cmd(dir, &["rev-parse", "--is-inside-work-tree"]).is_err() {
        Start::NoRepository
    } else if git_cmd(dir, &["rev-parse", "--verify", "-q", "HEAD^{commit}"]).is_err()
        && git_cmd(dir, &["rev-list", "-n", "1", "--all"]).is_ok_and(|out| out.trim().is_empty())
    {
        Start::NoCommit
    } else {
        Start::Commits
    }
}

/// How `--commit` will sign, as the user's git config says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signing {
    /// `commit.gpgsign` is off.
    Off,
    /// SSH signing with this public key (the type and base64 fields), where it could be read.
    Ssh(Option<String>),
    /// OpenPGP or X.509 signing.
    Other(String),
}

/// Makes commits through the `git` command, as `git commit` would: with the user's identity,
/// signing and hooks. [`Committer::prepare`] checks everything before any file is written.
#[derive(Debug)]
pub struct Committer {
    workdir: PathBuf,
    /// The email git will author the commit with.
    pub email: String,
    pub signing: Signing,
    /// The repository has no commit yet: this one would be the import.
    unborn: bool,
}

fn config_value(dir: &Path, key: &str) -> Option<String> {
    git_cmd(dir, &["config", "--get", key])
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The file `user.signingkey` names: `~/` is the home folder, a relative path is taken from `dir`.
fn key_path(dir: &Path, key: &str) -> PathBuf {
    match key.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join(rest))
            .unwrap_or_else(|| PathBuf::from(key)),
        None if Path::new(key).is_absolute() => PathBuf::from(key),
        None => dir.join(key),
    }
}

/// The public half of an SSH signing key named as git's `user.signingkey` names it: a literal
/// `key::ssh-...`, a public key file, or a private key file with its `.pub` beside it.
fn ssh_public_key(dir: &Path, signingkey: &str) -> Option<String> {
    // Both the algorithm and the key data, or it is no key.
    let fields = |s: &str| Some(crate::model::council::key_fields(s)).filter(|f| f.contains(' '));
    if let Some(lit) = signingkey.strip_prefix("key::") {
        return fields(lit);
    }
    if signingkey.starts_with("ssh-") || signingkey.starts_with("ecdsa-") {
        return fields(signingkey);
    }
    let path = key_path(dir, signingkey);
    let read = |p: &Path| std::fs::read_to_string(p).ok().and_then(|t| fields(&t));
    let text = std::fs::read_to_string(&path).ok()?;
    if text.starts_with("ssh-") || text.starts_with("ecdsa-") || text.starts_with("sk-") {
        return fields(&text);
    }
    let mut pubfile = path.into_os_string();
    pubfile.push(".pub");
    read(Path::new(&pubfile))
}

impl Committer {
    /// Checks that a commit can be made in `root`: a repository with a work tree that already
    /// has its first commit (the import, which council's later commits never are), an identity,
    /// and, where git is set to sign, a signing key that signs.
    pub fn prepare(root: &Path) -> Result<Committer> {
        let c = Self::prepare_any(root)?;
        if c.unborn {
            crate::refuse!(
                "--commit would make this repository's first commit, and the first commit is the import: the only commit council does not check, so it must bring in the council's founding state (council.toml with its delegates, and the process document Active). A history that starts without council.toml can never pass `council audit`: after the import, only a delegate may change council.toml. Make the import first: once council.toml names the delegates and the process document is Active, `git add council.toml proposals && git commit` (in a new repository, `council init --delegate ... --resolution URL --commit` does it all); then run this again"
            );
        }
        Ok(c)
    }

    /// As [`Committer::prepare`], for the import itself (`init`): the repository must have no
    /// commit yet, or this one would be a later commit that brings council.toml in.
    pub fn prepare_import(root: &Path) -> Result<Committer> {
        let c = Self::prepare_any(root)?;
        if !c.unborn {
            crate::refuse!(
                "--commit would not make the import: this repository already has commits, and only its first commit may bring in council.toml unchecked, so `council audit` would report this one for good. Leave out --commit, commit the files yourself, and check the history from that commit on (`council audit --since COMMIT`); or start a new repository"
            );
        }
        Ok(c)
    }

    fn prepare_any(root: &Path) -> Result<Committer> {
        let top = git_cmd(root, &["rev-parse", "--show-toplevel"]).map_err(|_| {
            anyhow!(
                "--commit needs a git repository, and {} is not inside one (run `git init` first, or leave out --commit)",
                root.display()
            )
        })?;
        let workdir = PathBuf::from(top.trim());
        let advice =
            "set user.name and user.email (git config --global user.email you@example.org)";
        let who = identity(root)
            .map_err(|e| anyhow!("--commit needs your git identity, and {e}: {advice}"))?;
        ident(root, "GIT_COMMITTER_IDENT")
            .map_err(|e| anyhow!("--commit needs your git identity, and {e}: {advice}"))?;
        let unborn = start(root) == Start::NoCommit;
        let gpgsign = git_cmd(root, &["config", "--type=bool", "--get", "commit.gpgsign"])
            .map(|s| s.trim() == "true")
            .unwrap_or(false);
        let signing = if gpgsign {
            Self::signing_method(root)?
        } else {
            Signing::Off
        };
        Ok(Committer {
            workdir,
            email: who.email,
            signing,
            unborn,
        })
    }

    /// How git is set to sign (gpg.format, user.signingkey), checked by signing a test text.
    fn signing_method(root: &Path) -> Result<Signing> {
        let format = config_value(root, "gpg.format").unwrap_or_else(|| "openpgp".into());
        if format != "ssh" {
            return Ok(Signing::Other(format));
        }
        let Some(key) = config_value(root, "user.signingkey") else {
            bail!(
                "git is set to sign commits with SSH (gpg.format = ssh) but user.signingkey is not set: see docs/signing.md"
            );
        };
        let public = ssh_public_key(root, &key);
        if !key.starts_with("key::") && !key.starts_with("ssh-") {
            let program =
                config_value(root, "gpg.ssh.program").unwrap_or_else(|| "ssh-keygen".into());
            // Sign a short text from standard input, as git signs a commit.
            let status = std::process::Command::new(&program)
                .args(["-Y", "sign", "-n", "git", "-f"])
                .arg(key_path(root, &key))
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .and_then(|mut child| {
                    use std::io::Write;
                    if let Some(mut input) = child.stdin.take() {
                        input.write_all(b"council signing probe\n")?;
                    }
                    child.wait_with_output()
                });
            match status {
                Ok(o) if o.status.success() => {}
                Ok(o) => bail!(
                    "git is set to sign commits, but the signing key {key} does not sign: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                ),
                Err(e) => bail!(
                    "git is set to sign commits with SSH, but `{program}` could not be run: {e}"
                ),
            }
        }
        Ok(Signing::Ssh(public))
    }

    /// Records `files` (paths under the work tree, written or deleted) as one commit on HEAD,
    /// leaving anything else the user staged as it was. Returns the commit's short id.
    pub fn commit(&self, files: &[PathBuf], message: &str) -> Result<String> {
        let work = self
            .workdir
            .canonicalize()
            .unwrap_or_else(|_| self.workdir.clone());
        let mut rels = Vec::new();
        for f in files {
            let abs = match f.parent().and_then(|p| p.canonicalize().ok()) {
                Some(dir) => dir.join(f.file_name().unwrap_or_default()),
                None => f.clone(),
            };
            let rel = abs
                .strip_prefix(&work)
                .with_context(|| format!("{} is outside the git work tree", f.display()))?;
            let rel = rel
                .to_str()
                .ok_or_else(|| anyhow!("{} is not a UTF-8 path", rel.display()))?
                .replace('\\', "/");
            rels.push((rel, abs.exists()));
        }
        // A deleted file that git never knew needs no recording.
        let mut ls = vec!["ls-files", "-z", "--"];
        ls.extend(rels.iter().map(|(r, _)| r.as_str()));
        let tracked = git_cmd(&self.workdir, &ls).unwrap_or_default();
        let tracked: std::collections::HashSet<&str> = tracked.split('\0').collect();
        let paths: Vec<&str> = rels
            .iter()
            .filter(|(r, exists)| *exists || tracked.contains(r.as_str()))
            .map(|(r, _)| r.as_str())
            .collect();
        if paths.is_empty() {
            bail!("nothing to commit");
        }
        let mut add = vec!["add", "-A", "--"];
        add.extend(&paths);
        git_cmd(&self.workdir, &add)?;
        let mut same = vec!["diff", "--cached", "--quiet", "HEAD", "--"];
        same.extend(&paths);
        if git_cmd(&self.workdir, &same).is_ok() {
            bail!(
                "nothing to commit: {} already committed as it is",
                paths.join(", ")
            );
        }
        let mut commit = vec!["commit", "-q", "-m", message, "--"];
        commit.extend(&paths);
        git_cmd(&self.workdir, &commit)?;
        Ok(git_cmd(&self.workdir, &["rev-parse", "--short=7", "HEAD"])?
            .trim()
            .to_owned())
    }
}

/// A git object id, opaque outside this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(git2::Oid);

impl ObjectId {
    /// The id git gives a blob of `bytes`, by plain SHA-1 with the processor's SHA instructions
    /// (about three times as fast as libgit2's collision-detecting SHA-1 here). Only history's
    /// [`Seed`](crate::history::Seed) uses it, to find working files whose text a commit holds:
    /// a blob crafted to collide never reaches a checkout (git detects it when it is added or
    /// pushed), and two texts with one id are one object to git. A pinned text is compared
    /// with [`blob_id`], which detects collisions.
    pub fn of_blob(bytes: &[u8]) -> ObjectId {
        use sha1::Digest as _;
        let mut h = sha1::Sha1::new();
        h.update(format!("blob {}\0", bytes.len()));
        h.update(bytes);
        let id = git2::Oid::from_bytes(&h.finalize()).expect("a SHA-1 digest is 20 bytes");
        ObjectId(id)
    }

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

/// What a governed path holds at one revision: a blob's id, and whether it is a regular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    pub id: ObjectId,
    /// `None` for a regular file; else why the entry is refused (a link, a submodule).
    pub special: Option<&'static str>,
}

impl Entry {
    /// Stands for "no file" where an entry is needed as a key.
    pub const ABSENT: Entry = Entry {
        id: ObjectId(git2::Oid::ZERO_SHA1),
        special: None,
    };
}

/// A governed path that a commit added, changed or removed, relative to the governance root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub old: Option<Entry>,
    pub new: Option<Entry>,
}

const GIT_EXECUTABLE: &str = "is executable (mode 100755): governed files are plain files; run `git update-index --chmod=-x` on it";

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

    /// The governed files at `commit`, as additions, except those in the folders under
    /// `votes/`: each such folder is given instead as its path and tree, to be listed with
    /// [`Git::list_folder`] when needed (a long history holds thousands of them).
    pub fn files_deferring_votes(&self, commit: ObjectId) -> Result<(Vec<Change>, Folders)> {
        let mut out = Vec::new();
        let mut deferred = Vec::new();
        let tree = self.root_tree_id(commit)?;
        self.diff_governed_with(None, tree, &mut out, Some(&mut deferred))?;
        Ok((out, deferred))
    }

    /// The files at any depth of the folder `dir` whose tree is `tree`, as additions.
    pub fn list_folder(&self, dir: &str, tree: ObjectId) -> Result<Vec<Change>> {
        let mut out = Vec::new();
        self.diff_folders(vec![(dir.to_owned(), None, Some(tree.0))], &mut out, None)?;
        Ok(out)
    }

    /// Compares the governed parts (council.toml, proposals/, decisions/, votes/, at any depth)
    /// of two governance-root trees (either may be absent).
    fn diff_governed(
        &self,
        old: Option<git2::Oid>,
        new: Option<git2::Oid>,
        out: &mut Vec<Change>,
    ) -> Result<()> {
        self.diff_governed_with(old, new, out, None)
    }

    /// [`Git::diff_governed`]; with `deferred`, the folders directly under `votes/` that only
    /// the new tree has are not listed but given there, with their tree.
    fn diff_governed_with(
        &self,
        old: Option<git2::Oid>,
        new: Option<git2::Oid>,
        out: &mut Vec<Change>,
        deferred: Option<&mut Folders>,
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        let (a, b) = (self.raw_opt(old)?, self.raw_opt(new)?);
        let mut top = Vec::new();
        let mut dirs = Vec::new();
        diff_level(&a, &b, "", &mut top, &mut dirs);
        out.extend(top.into_iter().filter(|c| {
            c.path == crate::model::council::FILE
                || GOVERNED_FOLDERS.contains(&c.path.as_str())
                || crate::write::is_working_file(&c.path)
                || case_variant(&c.path).is_some()
        }));
        let stack: Vec<SubDir> = dirs
            .into_iter()
            .filter(|(p, _, _)| GOVERNED_FOLDERS.contains(&p.as_str()) || case_variant(p).is_some())
            .collect();
        self.diff_folders(stack, out, deferred)
    }

    /// Compares the folders on `stack` and every folder below them where their trees differ;
    /// with `deferred`, see [`Git::diff_governed_with`].
    fn diff_folders(
        &self,
        mut stack: Vec<SubDir>,
        out: &mut Vec<Change>,
        mut deferred: Option<&mut Folders>,
    ) -> Result<()> {
        while let Some((dir, o, n)) = stack.pop() {
            if let Some(d) = deferred.as_deref_mut()
                && o.is_none()
                && dir.strip_prefix("votes/").is_some_and(|n| !n.contains('/'))
            {
                d.extend(n.map(|t| (dir, ObjectId(t))));
                continue;
            }
            let (a, b) = (self.raw_opt(o)?, self.raw_opt(n)?);
            let mut sub = Vec::new();
            diff_level(&a, &b, &dir, out, &mut sub);
            stack.extend(sub);
        }
        Ok(())
    }

    fn raw_opt(&self, id: Option<git2::Oid>) -> Result<std::rc::Rc<[u8]>> {
        Ok(match id {
            Some(id) => self.raw_tree(id)?,
            None => std::rc::Rc::from(&[][..]),
        })
    }

    /// The governance root's tree id at `commit` (`None` if the folder is absent there).
    fn root_tree_id(&self, commit: ObjectId) -> Result<Option<git2::Oid>> {
        let tree = self.repo.find_commit(commit.0)?.tree_id();
        if self.prefix.is_empty() {
            return Ok(Some(tree));
        }
        Ok(self
            .lookup_in(tree, &self.prefix)?
            .filter(|(_, is_tree, _)| *is_tree)
            .map(|(id, _, _)| id))
    }

    /// The governed files that differ between two commits (`None`: the empty tree).
    pub fn diff(&self, old: Option<ObjectId>, new: ObjectId) -> Result<Vec<Change>> {
        let a = match old {
            Some(o) => self.root_tree_id(o)?,
            None => None,
        };
        let b = self.root_tree_id(new)?;
        let mut out = Vec::new();
        self.diff_governed(a, b, &mut out)?;
        Ok(out)
    }

    /// An object id from its 40 hex digits.
    pub fn parse_id(&self, hex: &str) -> Option<ObjectId> {
        git2::Oid::from_str(hex).ok().map(ObjectId)
    }

    /// Whether `ancestor` is `commit` or in its history.
    pub fn is_ancestor(&self, ancestor: ObjectId, commit: ObjectId) -> bool {
        ancestor == commit
            || self
                .repo
                .graph_descendant_of(commit.0, ancestor.0)
                .unwrap_or(false)
    }

    /// The commit that brought `rel` to the version it has at `from`, walking `from`'s
    /// first-parent line back: the earliest commit of the unbroken run that has it. `None`
    /// when `rel` is absent at `from`.
    pub fn introduced(&self, from: ObjectId, rel: &str) -> Result<Option<ObjectId>> {
        let Some(entry) = self.entry_at(from, rel)? else {
            return Ok(None);
        };
        let mut at = from;
        loop {
            let info = self.commit(at)?;
            let parent = match info.parents.first() {
                Some(p) if !info.shallow_boundary => *p,
                _ => return Ok(Some(at)),
            };
            if self.entry_at(parent, rel)? != Some(entry) {
                return Ok(Some(at));
            }
            at = parent;
        }
    }

    /// The best common ancestor of two commits, if they share history.
    pub fn merge_base(&self, a: ObjectId, b: ObjectId) -> Option<ObjectId> {
        self.repo.merge_base(a.0, b.0).ok().map(ObjectId)
    }

    /// What `rel` is at `commit`: a blob entry, or `None` (absent, or a folder).
    pub fn entry_at(&self, commit: ObjectId, rel: &str) -> Result<Option<Entry>> {
        let tree = self.repo.find_commit(commit.0)?.tree_id();
        Ok(match self.lookup_in(tree, &self.full(rel))? {
            Some((id, false, special)) => Some(Entry {
                id: ObjectId(id),
                special,
            }),
            _ => None,
        })
    }

    pub fn is_shallow(&self) -> bool {
        !self.shallow.is_empty() || self.repo.is_shallow()
    }

    /// Whether the history of `commit` (it included) reaches a shallow clone's boundary, past
    /// which its ancestors were not fetched. Never in a full clone.
    pub fn reaches_cut(&self, commit: ObjectId) -> Result<bool> {
        if self.shallow.is_empty() {
            return Ok(false);
        }
        let mut walk = self.repo.revwalk()?;
        walk.push(commit.0)?;
        for id in walk {
            if self.shallow.contains(&id?) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Which of the paths `rels` (relative to the governance root) git tracks: in the index
    /// or in HEAD's tree.
    pub fn tracked<'r>(&self, rels: &[&'r str]) -> Vec<&'r str> {
        let index = self.repo.index().ok();
        let head = self.repo.head().ok().and_then(|h| h.peel_to_tree().ok());
        rels.iter()
            .copied()
            .filter(|rel| {
                // Only a path inside the repository can be in git (libgit2 refuses others).
                let inside = !rel.starts_with('/') && rel.split('/').all(|c| c != ".." && c != ".");
                if !inside {
                    return false;
                }
                let full = self.full(rel);
                index
                    .as_ref()
                    .is_some_and(|i| i.get_path(Path::new(&full), 0).is_some())
                    || head
                        .as_ref()
                        .is_some_and(|t| t.get_path(Path::new(&full)).is_ok())
            })
            .collect()
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
            if rev.contains("..") {
                anyhow!("`{rev}` is a range: give one revision, the base the change is judged from (e.g. origin/main)")
            } else {
                anyhow!(
                    "cannot resolve revision `{rev}`: no such commit here ({}){hint}",
                    e.message()
                )
            }
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
    ///
    /// One depth-first walk from HEAD that reads each commit once and stops at `since` and at
    /// its ancestors. (libgit2's revwalk with `hide` first marks a long stretch of the base's
    /// history, which costs far more than a pull request's few commits.)
    pub fn commits(&self, since: Option<ObjectId>) -> Result<Vec<CommitInfo>> {
        let head = self
            .repo
            .head()
            .and_then(|h| h.peel_to_commit())
            .map_err(|e| {
                if e.code() == git2::ErrorCode::UnbornBranch || e.code() == git2::ErrorCode::NotFound {
                    anyhow!("the repository has no commits yet: there is no history to check (the first commit, the import, holds council.toml and the process document)")
                } else {
                    anyhow!("cannot read HEAD: {}", e.message())
                }
            })?
            .id();
        let outside = |c: git2::Oid| match since {
            None => false,
            Some(s) => c == s.0 || self.repo.graph_descendant_of(s.0, c).unwrap_or(false),
        };
        let mut out = Vec::new();
        if outside(head) {
            return Ok(out);
        }
        let mut seen = std::collections::HashSet::new();
        // (commit, its info once read, the next parent to visit)
        let mut stack: Vec<(CommitInfo, usize)> = Vec::new();
        seen.insert(head);
        stack.push((self.commit(ObjectId(head))?, 0));
        while let Some((info, next)) = stack.last_mut() {
            // A shallow boundary's parents are not there.
            let parents = if info.shallow_boundary {
                &[][..]
            } else {
                &info.parents[..]
            };
            if let Some(p) = parents.get(*next).copied() {
                *next += 1;
                if seen.insert(p.0) && !outside(p.0) {
                    let c = self.commit(p)?;
                    stack.push((c, 0));
                }
            } else {
                let (info, _) = stack.pop().expect("a commit on the stack");
                out.push(info);
            }
        }
        Ok(out)
    }

    pub fn blob(&self, id: ObjectId) -> Result<Vec<u8>> {
        Ok(self.repo.find_blob(id.0)?.content().to_vec())
    }

    /// Every governed file at `commit`, as additions.
    pub fn governed_files(&self, commit: ObjectId) -> Result<Vec<Change>> {
        self.diff(None, commit)
    }

    /// Reads the files `changes` add into `files`, marking links and submodules.
    fn load_into(&self, files: &mut crate::repo::MemFiles, changes: Vec<Change>) -> Result<()> {
        for c in changes {
            if let Some(e) = c.new {
                match e.special {
                    Some(why) => {
                        files.special.insert(c.path, why);
                    }
                    None => {
                        files.files.insert(c.path, self.blob(e.id)?);
                    }
                }
            }
        }
        Ok(())
    }

    /// Every governed file at `commit`, read into memory (links and submodules marked).
    pub fn snapshot(&self, commit: ObjectId) -> Result<crate::repo::MemFiles> {
        let mut files = crate::repo::MemFiles::default();
        self.load_into(&mut files, self.governed_files(commit)?)?;
        Ok(files)
    }

    /// The entry at `path` below tree `tree`: its id, whether it is a tree, and (for a
    /// non-tree) why it is not a regular file, if it is not.
    fn lookup_in(
        &self,
        tree: git2::Oid,
        path: &str,
    ) -> Result<Option<(git2::Oid, bool, Option<&'static str>)>> {
        let mut at = (tree, true, None);
        for part in path.split('/').filter(|p| !p.is_empty()) {
            if !at.1 {
                return Ok(None);
            }
            let tree = self.raw_tree(at.0)?;
            let mut pos = 0;
            let mut found = None;
            while let Some((e, next)) = raw_entry(&tree, pos) {
                if e.name == part.as_bytes() {
                    found = Some((e.oid().0, e.is_tree(), e.special()));
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

    /// The SSH (or other) signature of a commit and the payload it signs.
    pub fn signature(&self, id: ObjectId) -> Option<(String, Vec<u8>)> {
        let (sig, data) = self.repo.extract_signature(&id.0, None).ok()?;
        Some((String::from_utf8_lossy(&sig).into_owned(), data.to_vec()))
    }

    /// HEAD's first-parent history, oldest first, each commit with the governed files it
    /// changed against its first parent (every governed file for the first commit). A
    /// change counts as made by the first-parent commit that brought it (SPEC section 7), so
    /// this is what dates events for readers: `council render`'s timelines and feed. An unborn
    /// HEAD has no history; a shallow clone's stops at its boundary.
    pub fn first_parent_changes(&self) -> Result<Vec<(CommitInfo, Vec<Change>)>> {
        let Ok(head) = self.repo.head().and_then(|h| h.peel_to_commit()) else {
            return Ok(Vec::new());
        };
        let mut chain = vec![self.commit(ObjectId(head.id()))?];
        loop {
            let last = chain.last().expect("non-empty");
            let parent = match last.parents.first() {
                Some(p) if !last.shallow_boundary => *p,
                _ => break,
            };
            chain.push(self.commit(parent)?);
        }
        chain.reverse();
        let mut out = Vec::with_capacity(chain.len());
        let mut before: Option<ObjectId> = None;
        for c in chain {
            let changes = self.diff(before, c.id)?;
            before = Some(c.id);
            out.push((c, changes));
        }
        Ok(out)
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

    /// Why a non-tree entry is not a regular file, if it is not.
    fn special(&self) -> Option<&'static str> {
        match self.mode {
            b"100644" | b"100664" => None,
            b"100755" => Some(GIT_EXECUTABLE),
            b"120000" => Some(crate::repo::SYMLINK),
            b"160000" => Some(crate::repo::SUBMODULE),
            _ => Some("is not a regular file"),
        }
    }

    fn entry(&self) -> Entry {
        Entry {
            id: self.oid(),
            special: self.special(),
        }
    }

    fn oid(&self) -> ObjectId {
        ObjectId(git2::Oid::from_bytes(self.id).expect("a 20-byte id"))
    }
}

/// Where the entry after the one starting at `pos` starts: past its NUL and 20-byte id.
fn skip_entry(buf: &[u8], pos: usize) -> Option<usize> {
    let rest = buf.get(pos..)?;
    let nul = memchr::memchr(0, rest)?;
    let next = pos + nul + 21;
    (next <= buf.len()).then_some(next)
}

/// The entry starting at `pos`, and where the next one starts.
fn raw_entry(buf: &[u8], pos: usize) -> Option<(RawEntry<'_>, usize)> {
    let rest = buf.get(pos..)?;
    let sp = memchr::memchr(b' ', rest)?;
    let nul = sp + 1 + memchr::memchr(0, &rest[sp + 1..])?;
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

/// The folders of the governance root that history reads, beside council.toml; the site's
/// templates (`theme/`) too: they say what was decided to every reader.
pub const GOVERNED_FOLDERS: [&str; 4] = [
    "proposals",
    "decisions",
    "votes",
    crate::render::templates::THEME_DIR,
];

/// The governed name that the path `rel` (relative to the governance root) spells in other
/// letter case at its top (`Votes/0006/cy.toml`, `COUNCIL.TOML`), if it does: a checkout on a
/// case-insensitive file system (macOS, Windows) reads it as that file or folder.
pub fn case_variant(rel: &str) -> Option<&'static str> {
    let top = rel.split('/').next().unwrap_or(rel);
    let lower = top.to_lowercase();
    std::iter::once(crate::model::council::FILE)
        .chain(GOVERNED_FOLDERS)
        .find(|g| *g != top && *g == lower)
}

/// A folder to compare further: (its path, old tree, new tree).
type SubDir = (String, Option<git2::Oid>, Option<git2::Oid>);

/// A checkout conversion git's attributes apply to governed files (see
/// [`checkout_conversions`]).
#[derive(Debug, Clone)]
pub struct Conversion {
    pub attr: &'static str,
    /// `set`, or the attribute's value.
    pub value: String,
    /// The attribute file in the governance root that names it first, with the line; none when
    /// it comes from elsewhere (above the root, `info/attributes`, the user's file).
    pub source: Option<(String, usize)>,
    pub files: Vec<String>,
}

/// Folders by path, each with its tree.
pub type Folders = Vec<(String, ObjectId)>;

/// Compares two raw tree objects one level deep: differing non-tree entries go to `out`, and
/// folders whose trees differ to `dirs`. Identical stretches are skipped with block compares, so
/// a commit that changes one file of ten thousand costs little more than reading the two trees.
fn diff_level(old: &[u8], new: &[u8], dir: &str, out: &mut Vec<Change>, dirs: &mut Vec<SubDir>) {
    use std::cmp::Ordering;
    let path = |e: &RawEntry<'_>| {
        let name = String::from_utf8_lossy(e.name);
        if dir.is_empty() {
            name.into_owned()
        } else {
            format!("{dir}/{name}")
        }
    };
    let mut emit = |a: Option<&RawEntry<'_>>, b: Option<&RawEntry<'_>>| {
        let p = path(a.or(b).expect("an entry"));
        let tree = |e: Option<&RawEntry<'_>>| e.filter(|e| e.is_tree()).map(|e| e.oid().0);
        let blob = |e: Option<&RawEntry<'_>>| e.filter(|e| !e.is_tree()).map(|e| e.entry());
        let (ta, tb) = (tree(a), tree(b));
        if ta != tb {
            dirs.push((p.clone(), ta, tb));
        }
        let (ba, bb) = (blob(a), blob(b));
        if ba != bb {
            out.push(Change {
                path: p,
                old: ba,
                new: bb,
            });
        }
    };
    // Start at the last entry boundary inside the common prefix.
    let prefix = common_prefix(old, new);
    let mut start = 0;
    while let Some(next) = skip_entry(old, start) {
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
                emit(Some(&x), None);
                true
            }
            Ordering::Greater => {
                let (y, next) = b.expect("an entry");
                j = next;
                emit(None, Some(&y));
                true
            }
            Ordering::Equal => {
                let ((x, ni), (y, nj)) = (a.expect("an entry"), b.expect("an entry"));
                i = ni;
                j = nj;
                let changed = x.id != y.id || x.mode != y.mode;
                if changed {
                    emit(Some(&x), Some(&y));
                }
                changed
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
