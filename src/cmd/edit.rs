//! In-place edits of a proposal's front matter with toml_edit: comments, key order and layout
//! are kept, and a replaced value keeps its own decor (the trailing comment included).

use std::ops::Range;

use anyhow::{Result, anyhow};
use toml_edit::{DocumentMut, Item, Value};

use crate::model::proposal::{FrontMatter, split_front_matter};

pub struct FrontMatterEdit {
    source: String,
    range: Range<usize>,
    doc: DocumentMut,
}

impl FrontMatterEdit {
    pub fn open(file: &str, source: String) -> Result<Self> {
        let range = match split_front_matter(&source) {
            FrontMatter::Found { toml } => toml,
            FrontMatter::Problem { message, .. } => return Err(anyhow!("{file}: {message}")),
        };
        let doc = source[range.clone()]
            .parse::<DocumentMut>()
            .map_err(|e| anyhow!("{file}: invalid front matter: {e}"))?;
        Ok(FrontMatterEdit { source, range, doc })
    }

    /// Sets `key` to `value`, keeping the old value's surrounding whitespace and comment.
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        let mut value = value.into();
        match self.doc.get_mut(key) {
            Some(Item::Value(old)) => {
                let decor = old.decor().clone();
                *value.decor_mut() = decor;
                *old = value;
            }
            _ => {
                self.doc.insert(key, Item::Value(value));
            }
        }
    }

    pub fn remove(&mut self, key: &str) {
        self.doc.remove(key);
    }

    /// The whole file with the edited front matter.
    pub fn finish(self) -> String {
        let mut out = String::with_capacity(self.source.len() + 64);
        out.push_str(&self.source[..self.range.start]);
        out.push_str(&self.doc.to_string());
        out.push_str(&self.source[self.range.end..]);
        out
    }
}

/// A TOML offset date-time value from a chrono time (seconds precision, UTC).
pub fn datetime(t: chrono::DateTime<chrono::Utc>) -> Value {
    let s = t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    Value::Datetime(toml_edit::Formatted::new(
        s.parse().expect("RFC 3339 from chrono parses as TOML"),
    ))
}

/// A TOML local date value.
pub fn date(d: chrono::NaiveDate) -> Value {
    let s = d.format("%Y-%m-%d").to_string();
    Value::Datetime(toml_edit::Formatted::new(
        s.parse().expect("a chrono date parses as TOML"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_trailing_comments_and_layout() {
        let src = "+++\nid = 1\nstatus   =  \"Draft\"   # moved by council\n# a comment\ntitle = \"T\"\n+++\nbody\n";
        let mut e = FrontMatterEdit::open("f.md", src.to_owned()).unwrap();
        e.set("status", "Discussion");
        assert_eq!(
            e.finish(),
            "+++\nid = 1\nstatus   =  \"Discussion\"   # moved by council\n# a comment\ntitle = \"T\"\n+++\nbody\n"
        );
    }

    #[test]
    fn new_keys_go_before_tables() {
        let src = "+++\nid = 1\n\n[rules]\nquorum = 1\n+++\n";
        let mut e = FrontMatterEdit::open("f.md", src.to_owned()).unwrap();
        e.set(
            "resolved",
            date(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
        );
        let out = e.finish();
        assert!(
            out.find("resolved").unwrap() < out.find("[rules]").unwrap(),
            "{out}"
        );
    }
}
