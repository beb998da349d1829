//! In-place edits of a proposal's front matter with toml_edit: comments, key order and layout
//! are kept, and a replaced value keeps its own decor (the trailing comment included).

use std::ops::Range;

use anyhow::{Result, anyhow};
use toml_edit::{DocumentMut, Item, Value};

use crate::model::proposal::{FrontMatter, split_front_matter};

/// Sets `key` of `table` to `value`. A value replaced wholesale would lose its decor (the
/// space around it and its trailing comment, which toml_edit keeps with the value): the old
/// one's is kept.
pub fn set_keeping_decor(table: &mut toml_edit::Table, key: &str, mut value: Value) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        _ => {
            table.insert(key, Item::Value(value));
        }
    }
}

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
        set_keeping_decor(&mut self.doc, key, value.into());
    }

    pub fn remove(&mut self, key: &str) {
        self.doc.remove(key);
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.doc.get(key).and_then(Item::as_value)
    }

    /// Adds `value` to the array `key` (created if absent) unless it is there already, in the
    /// array's own layout.
    pub fn add_to_array(&mut self, key: &str, value: i64) -> Result<()> {
        match self.doc.get_mut(key) {
            None => {
                let mut a = toml_edit::Array::new();
                a.push(value);
                self.set(key, a);
            }
            Some(Item::Value(Value::Array(a))) => {
                if !a.iter().any(|v| v.as_integer() == Some(value)) {
                    // The new last element takes the old last one's layout: its indent before,
                    // and whatever space stood before the closing bracket.
                    let n = a.len();
                    let decor = n.checked_sub(1).and_then(|i| a.get_mut(i)).map(|last| {
                        let d = last.decor().clone();
                        last.decor_mut().set_suffix("");
                        d
                    });
                    a.push(value);
                    if let (Some(decor), Some(new)) = (decor, a.get_mut(n)) {
                        *new.decor_mut() = decor;
                    }
                }
            }
            Some(_) => return Err(anyhow!("`{key}` is not an array: fix it first")),
        }
        Ok(())
    }

    /// The whole file with the edited front matter, in the file's own line endings.
    pub fn finish(self) -> String {
        let mut out = String::with_capacity(self.source.len() + 64);
        out.push_str(&self.source[..self.range.start]);
        out.push_str(&keep_style(
            &self.source[self.range.clone()],
            self.doc.to_string(),
        ));
        out.push_str(&self.source[self.range.end..]);
        out
    }
}

/// `new` written in `old`'s style: CRLF line endings where `old` has them, and `old`'s byte
/// order mark.
pub fn keep_style(old: &str, new: String) -> String {
    let crlf = old.matches("\r\n").count();
    let lf = old.matches('\n').count() - crlf;
    let mut out = if crlf > 0 && crlf >= lf {
        let mut s = String::with_capacity(new.len() + new.len() / 16);
        let mut prev = '\0';
        for c in new.chars() {
            if c == '\n' && prev != '\r' {
                s.push('\r');
            }
            s.push(c);
            prev = c;
        }
        s
    } else {
        new
    };
    if old.starts_with('\u{feff}') && !out.starts_with('\u{feff}') {
        out.insert(0, '\u{feff}');
    }
    out
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
    fn crlf_bom_and_comments_survive() {
        let src = "\u{feff}+++\r\nid = 1 # one\r\nstatus = \"Draft\" # was Draft\r\nreplaces = [ 3 ]\r\n+++\r\nbody\r\n";
        let mut e = FrontMatterEdit::open("f.md", src.to_owned()).unwrap();
        e.set("status", "Discussion");
        e.set("discussions-to", "https://x.org/t/1");
        e.add_to_array("replaces", 4).unwrap();
        e.add_to_array("replaces", 4).unwrap();
        let out = e.finish();
        assert_eq!(
            out,
            "\u{feff}+++\r\nid = 1 # one\r\nstatus = \"Discussion\" # was Draft\r\nreplaces = [ 3, 4 ]\r\ndiscussions-to = \"https://x.org/t/1\"\r\n+++\r\nbody\r\n"
        );
        assert_eq!(keep_style("a\nb\n", "c\n".into()), "c\n");
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
