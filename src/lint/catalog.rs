//! Every rule `check` knows, with its default level and a one-line description.
//!
//! Rule ids are stable: they appear in `[lints]`, in `-D/-W/-A`, in JSON output, and name the
//! rule's page under `docs/rules/`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// The level a rule runs at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Allow,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Allow => "allow",
        }
    }
}

impl Level {
    /// Higher is stricter.
    pub fn rank(self) -> u8 {
        match self {
            Level::Allow => 0,
            Level::Warning => 1,
            Level::Error => 2,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "error" | "deny" => Ok(Level::Error),
            "warning" | "warn" => Ok(Level::Warning),
            "allow" => Ok(Level::Allow),
            other => Err(format!(
                "unknown level `{other}`: expected \"error\", \"warning\" or \"allow\""
            )),
        }
    }
}

/// A rule's identity.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub level: Level,
    pub summary: &'static str,
    /// The rule's page, `docs/rules/<id>.md`, compiled in (so every rule has one).
    pub doc: &'static str,
}

macro_rules! rules {
    ($($id:literal $level:ident $summary:literal;)*) => {
        /// All rules, in the order `--list-rules` prints them.
        pub const RULES: &[Rule] = &[$(Rule {
            id: $id,
            level: Level::$level,
            summary: $summary,
            doc: include_str!(concat!("../../docs/rules/", $id, ".md")),
        }),*];
    };
}

rules! {
    "unreadable-file" Error "a proposal or ballot must be a readable UTF-8 text file inside the repository";
    "front-matter" Error "the file must open with TOML front matter between `+++` lines that comrak recognises";
    "toml-syntax" Error "front matter and ballots must be valid TOML";
    "file-name" Error "proposal files are named NNNN-slug.md with NNNN the id";
    "duplicate-id" Error "no two proposals share an id";
    "missing-field" Error "required front matter fields are present";
    "field-type" Error "front matter fields have the right TOML type";
    "unknown-field" Warning "front matter fields are ones council knows";
    "invalid-id" Error "ids are integers from 1";
    "invalid-title" Error "titles are one line of 1 to 80 characters";
    "invalid-author" Error "authors are `Name` or `Name <email>`";
    "invalid-status" Error "status is one of the known statuses and fits the type";
    "invalid-type" Error "type is standards, process or informational";
    "invalid-topic" Error "topics are [a-z0-9-]{1,64} and not all digits";
    "closed-topic" Warning "a proposal not yet voted on names a topic whose decision is closed (the name is not reused)";
    "invalid-date" Error "dates and times have the right form and order";
    "invalid-url" Error "URL fields hold http or https URLs";
    "unresolved-reference" Error "requires, replaces and superseded-by name existing proposals";
    "supersede-symmetry" Error "superseded-by goes with status Superseded and a matching replaces";
    "missing-resolution" Error "Accepted, Rejected or Active without votes cite a resolution";
    "missing-implementation" Error "Final proposals name their implementation and fill Reference Implementation";
    "missing-section" Error "every required ## section is present";
    "duplicate-section" Error "no required ## section appears twice";
    "section-order" Warning "required ## sections come in the prescribed order";
    "broken-link" Error "relative links resolve to files in the repository";
    "placeholder-text" Warning "no line still holds the placeholder text `council new` wrote (an error from Final on)";
    "invalid-council" Error "council.toml names valid, unique delegates, a delegate as chair, and fields council knows";
    "invalid-process" Error "council.toml names an existing process document whose [rules] are valid";
    "unknown-lint" Warning "[lints] in council.toml names known rules (an unknown -D/-W/-A RULE is a usage error, exit 2)";
    "ballot-form" Error "a ballot holds a well-formed ranking, vote or recusal";
    "ballot-voter" Error "ballots are cast by delegates, in files named after them";
    "ballot-option" Error "a ranking names each option of its decision at most once, and no other";
    "ballot-decision" Error "ballots belong to a decision that has a record";
    "ballot-window" Error "ballots are cast inside the voting window";
    "casting-vote" Error "the chair's casting vote picks one of the tied options, after a tie";
    "status-tally" Error "a closed record's outcome is the count of its ballots, and its proposals' statuses agree with it";
    "voting-record" Error "a proposal is in Voting exactly while an open decision record lists it";
    "invalid-record" Error "a decision record is whole, valid, and names the proposals it pins";
    "non-regular-file" Error "governed paths are regular files and folders: no symbolic links, submodules or special files";
    "checkout-conversion" Error "git checks governed files out as it stores them: no ident, filter or working-tree-encoding attribute";
    "ballot-author" Error "a ballot changes only in commits authored with its delegate's email (casting.toml: the chair's)";
    "ballot-signature" Error "a delegate with a key signs the commits that change their ballot, with that key";
    "ballot-timing" Error "ballots change only while their decision's window is open";
    "status-transition" Error "every status change in history is an allowed transition";
    "proposal-start" Error "a proposal added after the first commit starts as Draft";
    "frozen-text" Error "a proposal in Voting stays byte for byte the text its record pins";
    "history-incomplete" Warning "the history to verify is all there (not cut off by a shallow clone)";
    "record-change" Error "a decision record is created, closed or removed only as SPEC section 7 allows";
    "council-change" Error "council.toml is changed by its chair, or a delegate's own identity by that delegate";
    "theme-change" Error "the rendered site's theme/ is changed by the chair (with no chair, a delegate)";
    "rules-change" Error "the [rules] of the process document in force never change";
    "history-root" Error "only the first commit of the history brings in files unchecked";
    "commit-time" Error "commit times never go backwards along the first-parent history, nor lie in the future";
    "proposal-identity" Error "a proposal a record names is never deleted or renamed, and keeps its id";
    "cannot-run" Error "council could run: configuration, repository and arguments were usable";
    "locked-rule" Error "[lints] and -A/-W do not lower the rules that judge who may change what";
}

/// The rules `[lints]` and `-A/-W` cannot lower (SPEC section 7, "Not configurable"): the
/// history rules and the ballot and record rules of section 5.
pub const LOCKED: &[&str] = &[
    "ballot-form",
    "ballot-voter",
    "ballot-option",
    "ballot-decision",
    "ballot-window",
    "casting-vote",
    "status-tally",
    "voting-record",
    "invalid-record",
    "non-regular-file",
    "checkout-conversion",
    "ballot-author",
    "ballot-signature",
    "ballot-timing",
    "status-transition",
    "proposal-start",
    "frozen-text",
    "history-incomplete",
    "record-change",
    "council-change",
    "theme-change",
    "rules-change",
    "history-root",
    "commit-time",
    "proposal-identity",
    "locked-rule",
];

/// Warning rules whose lint reports some findings as errors even so (placeholder text in a
/// Final proposal); "allow" still silences them.
pub const RAISED: &[&str] = &["placeholder-text"];

/// Whether `rule` is one [`LOCKED`] rule.
pub fn is_locked(rule: &str) -> bool {
    LOCKED.contains(&rule)
}

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The level of each rule for one run: defaults, then `[lints]`, then the command line.
#[derive(Clone, Debug, Default)]
pub struct Levels {
    overrides: BTreeMap<&'static str, Level>,
}

impl Levels {
    /// Sets `rule` to `level`; returns false when no such rule exists. A locked rule is never
    /// lowered below its default (the caller reports the attempt).
    pub fn set(&mut self, rule: &str, level: Level) -> bool {
        match find(rule) {
            Some(r) if is_locked(r.id) && level.rank() < r.level.rank() => true,
            Some(r) => {
                self.overrides.insert(r.id, level);
                true
            }
            None => false,
        }
    }

    pub fn get(&self, rule: &str) -> Level {
        self.overrides
            .get(rule)
            .copied()
            .or_else(|| find(rule).map(|r| r.level))
            .unwrap_or(Level::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule {}", r.id);
            assert!(
                r.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                r.id
            );
        }
    }

    #[test]
    fn overrides_win_over_defaults() {
        let mut l = Levels::default();
        assert_eq!(l.get("section-order"), Level::Warning);
        assert!(l.set("section-order", Level::Error));
        assert_eq!(l.get("section-order"), Level::Error);
        assert!(!l.set("no-such-rule", Level::Allow));
        assert!(l.set("ballot-author", Level::Allow));
        assert_eq!(l.get("ballot-author"), Level::Error);
        for r in LOCKED {
            assert!(find(r).is_some(), "{r}");
        }
    }
}
