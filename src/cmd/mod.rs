//! One module per command. Each takes the context, an output and its arguments.

pub mod audit;
pub mod cancel;
pub mod check;
pub mod close;
pub mod edit;
pub mod init;
pub mod list;
pub mod new;
pub mod open;
pub mod render;
pub mod show;
pub mod status;
pub mod tally;
pub mod vote;

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::model::council::{Council, Delegate};
use crate::refuse;

/// Everything a command needs besides its own arguments.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub dir: PathBuf,
    pub quiet: bool,
    pub now: DateTime<Utc>,
}

impl Ctx {
    /// The repository root, once any change a killed writer left there is settled.
    pub fn root(&self) -> Result<PathBuf> {
        let root = crate::repo::find_root(&self.dir)?;
        crate::write::settle(&root)?;
        Ok(root)
    }

    /// The repository root and its write lock, for a command that changes files.
    pub fn writing(&self) -> Result<(PathBuf, crate::write::Lock)> {
        let root = crate::repo::find_root(&self.dir)?;
        let lock = crate::write::Lock::acquire(&root)?;
        Ok((root, lock))
    }
}

/// The delegate acting: `--as ID`, or the one whose email git will author commits with
/// (`git var GIT_AUTHOR_IDENT`: user.email, or whatever overrides it).
pub fn acting<'c>(root: &Path, council: &'c Council, as_: Option<&str>) -> Result<&'c Delegate> {
    if let Some(id) = as_ {
        return match council.delegate(id) {
            Some(d) => Ok(d),
            None => Err(anyhow::anyhow!(
                "`{id}` (given with --as) is not a delegate in council.toml"
            )),
        };
    }
    let email = match crate::git::identity(root) {
        Ok(who) => who.email,
        Err(e) => anyhow::bail!(
            "cannot tell who you are: {e}; set git's user.email to your delegate email, or pass --as ID"
        ),
    };
    match council.delegate_by_email(&email) {
        Some(d) => Ok(d),
        None => refuse!(
            "{email} (git's author identity) is not the email of any delegate in council.toml; pass --as ID to act as a delegate"
        ),
    }
}

/// Refuses `--commit` when the commit git would make is not authored, or not signed, as the
/// person the change needs (`who`, with `email` and `key`); `what` names the change.
pub fn commit_as(
    c: &crate::git::Committer,
    who: &str,
    email: &str,
    key: Option<&str>,
    what: &str,
) -> Result<()> {
    use crate::git::Signing;
    if !c.email.eq_ignore_ascii_case(email) {
        refuse!(
            "--commit would author {what} as {} (git's author identity), but only {who} ({email}) may make it",
            c.email
        );
    }
    if let Some(key) = key {
        let same = |a: &str| {
            use crate::model::council::key_fields;
            key_fields(a) == key_fields(key)
        };
        match &c.signing {
            Signing::Ssh(Some(public)) if same(public) => {}
            Signing::Ssh(Some(public)) => refuse!(
                "git would sign {what} with {public}, but it must be signed with {who}'s key: {key}"
            ),
            Signing::Ssh(None) => {}
            _ => refuse!(
                "{what} must carry an SSH signature by {who}'s key: set commit.gpgsign = true, gpg.format = ssh and user.signingkey (docs/signing.md)"
            ),
        }
    }
    Ok(())
}
