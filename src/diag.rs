//! Findings as data: a diagnostic names a rule, a file, a position and a message.
//!
//! Diagnostics are created by the lints with the source text at hand, so each one carries the
//! line it points into; emitters (see [`crate::emit`]) never need to read files again.

use std::ops::Range;

use serde::Serialize;

/// How serious a finding is, after the rule levels were applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The source line(s) a diagnostic points into, for the human emitter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    /// The text of the line the span starts on (without its line break).
    pub text: String,
    /// The span within `text`, in bytes (clamped to the line).
    pub span: Range<usize>,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    /// Path relative to the repository root, with `/` separators.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub message: String,
    /// A short label under the caret.
    pub label: Option<String>,
    pub excerpt: Option<Excerpt>,
    /// For a history finding: the full id of the commit it is about.
    pub commit: Option<String>,
}

/// Where `new` first differs from `old`: its line and column (1-based, in characters). A line
/// ending counts as part of its line, so a change of CRLF to LF is found; text added at the end
/// is found at its first added character.
pub fn first_difference(old: &str, new: &str) -> (usize, usize) {
    let mut line = 1;
    for (a, b) in old.split_inclusive('\n').zip(new.split_inclusive('\n')) {
        if a != b {
            let same = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
            return (line, same + 1);
        }
        line += 1;
    }
    // One is a prefix of the other, line by line: text added after the shorter starts on the
    // next line; text removed at the end leaves the new text's last line to point at.
    if new.split_inclusive('\n').nth(line - 1).is_some() {
        (line, 1)
    } else {
        ((line - 1).max(1), 1)
    }
}

impl Diagnostic {
    /// A finding about a whole file, pointing at its first line.
    pub fn file(rule: &'static str, file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: Severity::Error,
            file: file.to_owned(),
            line: 1,
            column: 1,
            message: message.into(),
            label: None,
            excerpt: None,
            commit: None,
        }
    }

    /// A finding pointing at `span` (byte offsets) of `source`.
    pub fn at(
        rule: &'static str,
        file: &str,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column, excerpt) = locate(source, span);
        Diagnostic {
            rule,
            severity: Severity::Error,
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
            label: None,
            excerpt: Some(excerpt),
            commit: None,
        }
    }

    /// A finding at a known line and column (1-based) of `source`.
    pub fn at_line(
        rule: &'static str,
        file: &str,
        source: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        let start = line_start_offset(source, line) + column.saturating_sub(1);
        let start = floor_char_boundary(source, start.min(source.len()));
        let end = source[start..]
            .find('\n')
            .map_or(source.len(), |n| start + n);
        Self::at(rule, file, source, start..end, message)
    }

    /// Why a command could not run, as one finding (rule `cannot-run`): at the place a
    /// [`crate::Located`] error in its chain names, if there is one.
    pub fn failure(err: &anyhow::Error) -> Self {
        let text = format!("{err:#}");
        match err.chain().find_map(|e| e.downcast_ref::<crate::Located>()) {
            Some(at) => {
                // The place is in the fields: the message need not say it again.
                let place = format!("{}:{}:{}: ", at.file, at.line, at.column);
                let mut d = Diagnostic::file("cannot-run", &at.file, text.replacen(&place, "", 1));
                d.line = at.line;
                d.column = at.column;
                d
            }
            None => Diagnostic::file("cannot-run", "", text),
        }
    }

    /// Names the commit a history finding is about.
    pub fn in_commit(mut self, id: impl Into<String>) -> Self {
        self.commit = Some(id.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sort key: file, then position, then rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &'static str) {
        (&self.file, self.line, self.column, self.rule)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn line_start_offset(source: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    source
        .match_indices('\n')
        .nth(line - 2)
        .map_or(source.len(), |(i, _)| i + 1)
}

/// Line, column (1-based, in characters) and the excerpt for a byte span.
pub fn locate(source: &str, span: Range<usize>) -> (usize, usize, Excerpt) {
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
    let before = &source[..start];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..start].chars().count() + 1;
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let mut text = source[line_start..line_end].to_owned();
    if text.ends_with('\r') {
        text.pop();
    }
    let rel_start = (start - line_start).min(text.len());
    let rel_end = (end.min(line_end) - line_start).clamp(rel_start, text.len());
    (
        line,
        column,
        Excerpt {
            text,
            span: rel_start..rel_end,
        },
    )
}

/// Counts of a finished check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn of(files: usize, diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Summary {
            files,
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_finds_the_changed_character() {
        assert_eq!(first_difference("a\nbcd\ne\n", "a\nbXd\ne\n"), (2, 2));
        assert_eq!(first_difference("a\nb\n", "a\nb\nc\n"), (3, 1));
        assert_eq!(first_difference("a\r\nb\r\n", "a\nb\n"), (1, 2));
        assert_eq!(first_difference("a\nb\nc\n", "a\nb\n"), (2, 1));
        assert_eq!(first_difference("abc", "abc\n"), (1, 4));
    }

    #[test]
    fn locate_counts_lines_and_characters() {
        let src = "ab\nçd = 1\n";
        let (line, col, ex) = locate(src, 6..11);
        assert_eq!((line, col), (2, 3));
        assert_eq!(ex.text, "çd = 1");
        assert_eq!(&ex.text[ex.span.clone()], " = 1");
    }

    #[test]
    fn at_line_points_to_the_column() {
        let d = Diagnostic::at_line("x", "f", "a\nbcd\n", 2, 2, "m");
        assert_eq!((d.line, d.column), (2, 2));
        assert_eq!(d.excerpt.unwrap().span, 1..3);
    }
}
