//! A proposal: markdown with `+++` TOML front matter, parsed once with positions.
//!
//! [`Proposal::parse`] is pure: text in, a proposal and the problems found inside that one file
//! out. Checks across files (unique ids, references, ...) live in [`crate::lint`].

use std::ops::Range;

use chrono::NaiveDate;
use comrak::nodes::NodeValue;
use comrak::{Arena, Options};
use toml::de::DeValue;

use super::rules::Rules;
use super::status::{Status, Type};
use super::tomlv::{self, Sp};
use crate::diag::Diagnostic;

/// Every front matter field council knows.
pub const KNOWN_FIELDS: &[&str] = &[
    "id",
    "title",
    "authors",
    "status",
    "type",
    "topic",
    "created",
    "discussions-to",
    "requires",
    "replaces",
    "superseded-by",
    "resolution",
    "resolved",
    "implementation",
    "rules",
];

/// A `##` heading (or deeper) in the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub level: u8,
    pub line: usize,
    pub column: usize,
    /// No content between this heading and the next heading of the same or a higher level.
    pub empty: bool,
}

/// A link or image in the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    pub line: usize,
    pub column: usize,
}

/// A parsed proposal. Fields that were absent or malformed are `None` (the problem is reported).
#[derive(Clone, Debug, Default)]
pub struct Proposal {
    /// Path relative to the repository root, `/`-separated.
    pub file: String,
    pub source: String,
    /// Byte range of the TOML text between the delimiters.
    pub front_matter: Range<usize>,
    pub id: Option<Sp<u32>>,
    pub title: Option<Sp<String>>,
    pub authors: Vec<Sp<String>>,
    pub status: Option<Sp<Status>>,
    pub kind: Option<Sp<Type>>,
    pub topic: Option<Sp<String>>,
    pub created: Option<Sp<NaiveDate>>,
    pub discussions_to: Option<Sp<String>>,
    pub requires: Vec<Sp<u32>>,
    pub replaces: Vec<Sp<u32>>,
    pub superseded_by: Option<Sp<u32>>,
    pub resolution: Option<Sp<String>>,
    pub resolved: Option<Sp<NaiveDate>>,
    pub implementation: Option<Sp<String>>,
    /// The `[rules]` table, when present, with the problems found in it.
    pub rules: Option<Sp<Rules>>,
    pub rules_problems: Vec<Diagnostic>,
    /// Where the `rules` value is, when the field is present (even if it is not a table).
    pub rules_span: Option<Range<usize>>,
    pub sections: Vec<Section>,
    pub links: Vec<Link>,
}

/// Where the front matter sits, or why comrak would not see it.
#[derive(Debug, PartialEq, Eq)]
pub enum FrontMatter {
    Found { toml: Range<usize> },
    Problem { message: String, span: Range<usize> },
}

/// Splits off `+++` front matter exactly as comrak recognises it, explaining every near miss
/// that comrak would silently treat as body text.
pub fn split_front_matter(src: &str) -> FrontMatter {
    let bom = if src.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = line_ranges(src, bom);
    let Some(first) = lines.next() else {
        return FrontMatter::Problem {
            message: "the file is empty: a proposal opens with `+++` TOML front matter".into(),
            span: 0..0,
        };
    };
    let first_text = &src[first.clone()];
    if first_text != "+++" {
        if first_text.trim_end() == "+++" {
            return FrontMatter::Problem {
                message: "trailing whitespace after the opening `+++`: comrak would silently ignore this front matter".into(),
                span: first,
            };
        }
        if first_text.trim().is_empty() {
            for line in lines.by_ref() {
                let t = src[line.clone()].trim();
                if t == "+++" {
                    return FrontMatter::Problem {
                        message: "blank line before the opening `+++`: comrak would silently ignore this front matter; delete the blank line(s)".into(),
                        span: line,
                    };
                }
                if !t.is_empty() {
                    break;
                }
            }
        }
        return FrontMatter::Problem {
            message: "no front matter: a proposal opens with a `+++` line, TOML fields, and a closing `+++` line".into(),
            span: first.start..first.start,
        };
    }
    let toml_start = lines.clone().next().map_or(src.len(), |r| r.start);
    for line in lines {
        let text = &src[line.clone()];
        if text == "+++" {
            return FrontMatter::Found {
                toml: toml_start..line.start,
            };
        }
        if text.trim_end() == "+++" {
            return FrontMatter::Problem {
                message: "trailing whitespace after the closing `+++`: comrak would silently ignore this front matter".into(),
                span: line,
            };
        }
    }
    FrontMatter::Problem {
        message: "unclosed front matter: no closing `+++` line".into(),
        span: first,
    }
}

/// Ranges of each line's text (without `\n` or `\r\n`).
fn line_ranges(src: &str, from: usize) -> impl Iterator<Item = Range<usize>> + Clone + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= src.len() {
            return None;
        }
        let end = src[pos..].find('\n').map_or(src.len(), |i| pos + i);
        let start = pos;
        pos = end + 1;
        let text_end = if end > start && src.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Some(start..text_end)
    })
}

fn comrak_options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.front_matter_delimiter = Some("+++".to_owned());
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    o
}

/// Reports into a list of diagnostics for one file.
struct Sink<'a> {
    file: &'a str,
    source: &'a str,
    out: Vec<Diagnostic>,
}

impl Sink<'_> {
    fn at(&mut self, rule: &'static str, span: Range<usize>, msg: impl Into<String>) {
        self.out
            .push(Diagnostic::at(rule, self.file, self.source, span, msg));
    }
}

impl Proposal {
    /// Parses one proposal. Returns `None` when there is no usable front matter at all.
    pub fn parse(file: &str, source: String) -> (Option<Proposal>, Vec<Diagnostic>) {
        Self::parse_with(file, source, true)
    }

    /// Parses only the front matter (no markdown): what history checks need,
    /// fast.
    pub fn parse_front_matter(file: &str, source: String) -> Option<Proposal> {
        Self::parse_with(file, source, false).0
    }

    /// Every front matter field as JSON, for `list`, `show` and the site's index (parsed again
    /// on demand: `check` and the writers never need it).
    pub fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        let toml = self
            .source
            .get(self.front_matter.clone())
            .unwrap_or_default();
        tomlv::parse_table(toml)
            .map(|t| tomlv::table_to_json(t.get_ref()))
            .unwrap_or_default()
    }

    /// The text after the front matter.
    pub fn body(&self) -> &str {
        let end = self.front_matter.end;
        let rest = &self.source[end.min(self.source.len())..];
        rest.split_once('\n').map_or("", |(_, b)| b)
    }

    fn parse_with(file: &str, source: String, body: bool) -> (Option<Proposal>, Vec<Diagnostic>) {
        let toml_range = match split_front_matter(&source) {
            FrontMatter::Found { toml } => toml,
            FrontMatter::Problem { message, span } => {
                let d = Diagnostic::at("front-matter", file, &source, span, message);
                return (None, vec![d]);
            }
        };
        let mut sink = Sink {
            file,
            source: &source,
            out: Vec::new(),
        };
        let base = toml_range.start;
        let table = match tomlv::parse_table(&source[toml_range.clone()]) {
            Ok(t) => t,
            Err((msg, span)) => {
                let span = tomlv::shift(span, base);
                sink.at("toml-syntax", span, format!("invalid TOML: {msg}"));
                return (None, sink.out);
            }
        };
        let mut p = Proposal {
            file: file.to_owned(),
            front_matter: toml_range.clone(),
            ..Proposal::default()
        };
        p.read_fields(table.get_ref(), base, &mut sink);
        if body {
            p.read_body(&source, &mut sink);
        }
        drop(table);
        let out = sink.out;
        p.source = source;
        (Some(p), out)
    }

    fn read_fields(&mut self, table: &toml::de::DeTable<'_>, base: usize, sink: &mut Sink<'_>) {
        let span_of = |v: &toml::Spanned<DeValue<'_>>| tomlv::shift(v.span(), base);
        for (key, value) in table {
            let k = key.get_ref().as_ref();
            let v = value.get_ref();
            let span = span_of(value);
            match k {
                "id" => self.id = int_id(k, v, span, sink),
                "superseded-by" => self.superseded_by = int_id(k, v, span, sink),
                "requires" | "replaces" => {
                    let list = match v {
                        DeValue::Array(a) => a
                            .iter()
                            .filter_map(|x| int_id(k, x.get_ref(), span_of(x), sink))
                            .collect(),
                        _ => {
                            sink.at("field-type", span, tomlv::mismatch(k, "an array of ids", v));
                            Vec::new()
                        }
                    };
                    if k == "requires" {
                        self.requires = list;
                    } else {
                        self.replaces = list;
                    }
                }
                "title" => {
                    if let Some(s) = string(k, v, span.clone(), sink) {
                        let n = s.chars().count();
                        if s.contains('\n') {
                            sink.at("invalid-title", span.clone(), "`title` must be one line");
                        } else if s.trim().is_empty() || n > 80 {
                            sink.at(
                                "invalid-title",
                                span.clone(),
                                format!("`title` must be 1 to 80 characters, found {n}"),
                            );
                        }
                        self.title = Some(Sp::new(s, span));
                    }
                }
                "authors" => match v {
                    DeValue::Array(a) => {
                        if a.is_empty() {
                            sink.at(
                                "missing-field",
                                span,
                                "`authors` must name at least one author",
                            );
                        }
                        for x in a.iter() {
                            let s = span_of(x);
                            if let Some(name) = string("authors", x.get_ref(), s.clone(), sink) {
                                if let Err(why) = check_author(&name) {
                                    sink.at("invalid-author", s.clone(), why);
                                }
                                self.authors.push(Sp::new(name, s));
                            }
                        }
                    }
                    _ => sink.at(
                        "field-type",
                        span,
                        tomlv::mismatch(k, "an array of strings", v),
                    ),
                },
                "status" => {
                    if let Some(s) = string(k, v, span.clone(), sink) {
                        match s.parse::<Status>() {
                            Ok(st) => self.status = Some(Sp::new(st, span)),
                            Err(e) => sink.at("invalid-status", span, e),
                        }
                    }
                }
                "type" => {
                    if let Some(s) = string(k, v, span.clone(), sink) {
                        match s.parse::<Type>() {
                            Ok(t) => self.kind = Some(Sp::new(t, span)),
                            Err(e) => sink.at("invalid-type", span, e),
                        }
                    }
                }
                "topic" => {
                    if let Some(s) = string(k, v, span.clone(), sink) {
                        if let Err(why) = check_topic(&s) {
                            sink.at("invalid-topic", span.clone(), why);
                        }
                        self.topic = Some(Sp::new(s, span));
                    }
                }
                "created" | "resolved" => {
                    let date = match v {
                        DeValue::Datetime(d) => {
                            match tomlv::as_local_date(d) {
                                Some(date) => Some(date),
                                None => {
                                    sink.at(
                                    "invalid-date",
                                    span.clone(),
                                    format!("`{k}` must be a plain date such as 2026-11-20, found `{d}`"),
                                );
                                    None
                                }
                            }
                        }
                        _ => {
                            sink.at(
                                "field-type",
                                span.clone(),
                                format!(
                                    "{} (write it unquoted, e.g. {k} = 2026-11-20)",
                                    tomlv::mismatch(k, "a date", v)
                                ),
                            );
                            None
                        }
                    };
                    let date = date.map(|d| Sp::new(d, span));
                    if k == "created" {
                        self.created = date;
                    } else {
                        self.resolved = date;
                    }
                }
                "voting-opens" | "voting-closes" => {
                    let decision = self.decision().unwrap_or_else(|| "<decision>".into());
                    sink.at(
                        "unknown-field",
                        tomlv::shift(key.span(), base),
                        format!(
                            "`{k}` is no longer read: the voting window lives in the decision record, {}, written by `council open`; delete this line",
                            super::record::path(&decision)
                        ),
                    );
                }
                "discussions-to" | "resolution" | "implementation" => {
                    if let Some(s) = string(k, v, span.clone(), sink) {
                        if let Err(why) = check_url(&s) {
                            sink.at("invalid-url", span.clone(), format!("`{k}`: {why}"));
                        }
                        let s = Some(Sp::new(s, span));
                        match k {
                            "discussions-to" => self.discussions_to = s,
                            "resolution" => self.resolution = s,
                            _ => self.implementation = s,
                        }
                    }
                }
                "rules" => {
                    self.rules_span = Some(span.clone());
                    match v {
                        DeValue::Table(t) => {
                            let (rules, problems) = Rules::parse(t, base);
                            self.rules = Some(Sp::new(rules, span));
                            self.rules_problems = problems
                                .into_iter()
                                .map(|p| {
                                    Diagnostic::at(
                                        "invalid-process",
                                        sink.file,
                                        sink.source,
                                        p.span,
                                        p.value,
                                    )
                                })
                                .collect();
                        }
                        _ => sink.at("field-type", span, tomlv::mismatch(k, "a table", v)),
                    }
                }
                other => {
                    let hint = KNOWN_FIELDS
                        .iter()
                        .find(|f| {
                            f.replace('-', "_") == other.replace('-', "_").to_ascii_lowercase()
                        })
                        .map(|f| format!(": did you mean `{f}`?"))
                        .unwrap_or_default();
                    sink.at(
                        "unknown-field",
                        tomlv::shift(key.span(), base),
                        format!("unknown field `{other}`{hint}"),
                    );
                }
            }
        }
        let fm_start = self.front_matter.start.saturating_sub(4);
        let opening = fm_start..fm_start + 3;
        for (key, present) in [
            ("id", self.id.is_some() || table.contains_key("id")),
            ("title", table.contains_key("title")),
            ("authors", table.contains_key("authors")),
            ("status", table.contains_key("status")),
            ("type", table.contains_key("type")),
            ("created", table.contains_key("created")),
        ] {
            if !present {
                sink.at(
                    "missing-field",
                    opening.clone(),
                    format!("missing required field `{key}`"),
                );
            }
        }
    }

    fn read_body(&mut self, source: &str, sink: &mut Sink<'_>) {
        let arena = Arena::new();
        let root = comrak::parse_document(&arena, source, &comrak_options());
        let mut saw_front_matter = false;
        let mut current: Option<usize> = None;
        for node in root.children() {
            let data = node.data();
            match &data.value {
                NodeValue::FrontMatter(_) => saw_front_matter = true,
                NodeValue::Heading(h) => {
                    let title = heading_text(node);
                    if h.level <= 2 {
                        current = None;
                    } else if let Some(i) = current {
                        self.sections[i].empty = false;
                    }
                    self.sections.push(Section {
                        title,
                        level: h.level,
                        line: data.sourcepos.start.line,
                        column: data.sourcepos.start.column,
                        empty: true,
                    });
                    if h.level == 2 {
                        current = Some(self.sections.len() - 1);
                    }
                }
                _ => {
                    if let Some(i) = current {
                        self.sections[i].empty = false;
                    }
                }
            }
        }
        if !saw_front_matter {
            let span = self.front_matter.start.saturating_sub(4)..self.front_matter.start;
            sink.at(
                "front-matter",
                span,
                "comrak does not recognise this front matter (check the `+++` lines for stray characters)",
            );
        }
        for node in root.descendants() {
            let data = node.data();
            if let NodeValue::Link(link) | NodeValue::Image(link) = &data.value {
                self.links.push(Link {
                    url: link.url.clone(),
                    line: data.sourcepos.start.line,
                    column: data.sourcepos.start.column,
                });
            }
        }
    }

    /// The decision this proposal belongs to: its topic, or its id as four digits.
    pub fn decision(&self) -> Option<String> {
        match (&self.topic, &self.id) {
            (Some(t), _) => Some(t.value.clone()),
            (None, Some(id)) => Some(format!("{:04}", id.value)),
            _ => None,
        }
    }

    /// Its status, if it has a valid one.
    pub fn status_value(&self) -> Option<Status> {
        self.status.as_ref().map(|s| s.value)
    }

    /// Its id, if it has a valid one.
    pub fn id_value(&self) -> Option<u32> {
        self.id.as_ref().map(|i| i.value)
    }

    /// Whether its rules can be in force: a process document, Accepted or Active.
    pub fn is_process_in_force(&self) -> bool {
        self.kind.as_ref().is_some_and(|k| k.value == Type::Process)
            && self
                .status
                .as_ref()
                .is_some_and(|s| matches!(s.value, Status::Accepted | Status::Active))
    }

    /// Whether a decision accepted it (it may since be Final or Active).
    pub fn is_accepted(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(|s| matches!(s.value, Status::Accepted | Status::Final | Status::Active))
    }

    /// The option name of this proposal in a decision: its id as four digits.
    pub fn option(&self) -> Option<String> {
        self.id.as_ref().map(|id| format!("{:04}", id.value))
    }

    pub fn title_str(&self) -> &str {
        self.title.as_ref().map_or("", |t| t.value.as_str())
    }
}

fn heading_text<'a>(node: &'a comrak::nodes::AstNode<'a>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_owned()
}

fn string(key: &str, v: &DeValue<'_>, span: Range<usize>, sink: &mut Sink<'_>) -> Option<String> {
    match v {
        DeValue::String(s) => Some(s.to_string()),
        _ => {
            sink.at("field-type", span, tomlv::mismatch(key, "a string", v));
            None
        }
    }
}

fn int_id(key: &str, v: &DeValue<'_>, span: Range<usize>, sink: &mut Sink<'_>) -> Option<Sp<u32>> {
    match tomlv::as_int(v) {
        Some(Ok(n)) if n >= 1 && n <= i64::from(u32::MAX) => Some(Sp::new(n as u32, span)),
        Some(_) => {
            sink.at(
                "invalid-id",
                span,
                format!("`{key}` must be an integer id of 1 or more"),
            );
            None
        }
        None => {
            let hint = match v {
                DeValue::String(s) if s.trim_start_matches('0').parse::<u32>().is_ok() => {
                    format!(" (write it without quotes: {})", s.trim_start_matches('0'))
                }
                _ => String::new(),
            };
            sink.at(
                "field-type",
                span,
                format!("{}{hint}", tomlv::mismatch(key, "an integer id", v)),
            );
            None
        }
    }
}

/// `Name` or `Name <email>`.
pub fn check_author(s: &str) -> Result<(), String> {
    let s = s.trim();
    let (name, email) = match s.find('<') {
        Some(i) => {
            let Some(rest) = s[i + 1..].strip_suffix('>') else {
                return Err(format!(
                    "author `{s}`: an email goes in angle brackets at the end, as `Name <email>`"
                ));
            };
            (s[..i].trim(), Some(rest))
        }
        None => (s, None),
    };
    if name.is_empty() {
        return Err(format!(
            "author `{s}` has no name: write `Name` or `Name <email>`"
        ));
    }
    if name.contains(['<', '>']) {
        return Err(format!("author `{s}`: write `Name` or `Name <email>`"));
    }
    // An email written into the name (`Grace Hopper grace@example.org`) would be shown as
    // part of it; a handle such as `@grace` is a name.
    if let Some(word) = name.split_whitespace().find(|w| check_email(w).is_ok()) {
        return Err(format!(
            "author `{s}`: `{word}` looks like an email; it goes in angle brackets at the end, as `Name <email>`"
        ));
    }
    if let Some(email) = email {
        check_email(email).map_err(|why| format!("author `{s}`: {why}"))?;
    }
    Ok(())
}

/// A plausible email address: one `@`, a local part, a dotted domain, no spaces.
pub fn check_email(email: &str) -> Result<(), String> {
    let ok = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && domain.contains('.')
                && !email.contains(|c: char| c.is_whitespace() || c == '<' || c == '>')
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("`{email}` is not a valid email address"))
    }
}

/// `[a-z0-9-]{1,64}`, not all digits.
pub fn check_topic(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 64 {
        return Err(format!("topic `{s}` must be 1 to 64 characters"));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!("topic `{s}` may hold only a-z, 0-9 and `-`"));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "topic `{s}` must not be all digits: it would clash with a proposal's own decision name"
        ));
    }
    Ok(())
}

/// An absolute http or https URL with a host.
pub fn check_url(s: &str) -> Result<(), String> {
    match url::Url::parse(s) {
        Ok(u) if (u.scheme() == "http" || u.scheme() == "https") && u.host().is_some() => Ok(()),
        Ok(u) => Err(format!(
            "`{s}` must be an http or https URL, not {}:",
            u.scheme()
        )),
        Err(e) => Err(format!("`{s}` is not a URL ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(src: &str) -> String {
        match split_front_matter(src) {
            FrontMatter::Problem { message, .. } => message,
            FrontMatter::Found { .. } => panic!("expected a problem"),
        }
    }

    #[test]
    fn front_matter_near_misses() {
        assert!(problem("\n+++\nid = 1\n+++\n").contains("blank line before"));
        assert!(problem("+++ \nid = 1\n+++\n").contains("opening"));
        assert!(problem("+++\nid = 1\n+++  \n").contains("closing"));
        assert!(problem("+++\nid = 1\n").contains("unclosed"));
        assert!(problem("# Title\n").contains("no front matter"));
        assert!(problem("").contains("empty"));
        assert_eq!(
            split_front_matter("+++\r\nid = 1\r\n+++\r\nbody"),
            FrontMatter::Found { toml: 5..13 }
        );
    }

    #[test]
    fn authors_and_topics() {
        assert!(check_author("Ada Lovelace <ada@example.org>").is_ok());
        assert!(check_author("Grace Hopper").is_ok());
        assert!(check_author("<ada@example.org>").is_err());
        assert!(check_author("Ada <ada@example>").is_err());
        // An email outside the brackets is a mistake; a handle is a name.
        assert!(check_author("Grace Hopper grace@example.org").is_err());
        assert!(check_author("ada@example.org").is_err());
        assert!(check_author("Grace (@grace)").is_ok());
        assert!(check_topic("lockfile").is_ok());
        assert!(check_topic("123").is_err());
        assert!(check_topic("Lockfile").is_err());
        assert!(check_url("https://x.org/t/1").is_ok());
        assert!(check_url("ftp://x.org").is_err());
        assert!(check_url("not a url").is_err());
    }
}
