//! `council.toml`: who the delegates are and which document holds the rules (SPEC section 3).

use std::ops::Range;

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};

use super::proposal::check_email;
use super::tomlv::{self, Sp};
use crate::diag::Diagnostic;
use crate::lint::catalog::{self, Level};

pub const FILE: &str = "council.toml";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delegate {
    pub id: String,
    pub name: String,
    pub email: String,
    pub key: Option<String>,
    pub term: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
    pub span: Range<usize>,
}

impl Delegate {
    /// Whether the delegate's term (if any) covers `day`.
    pub fn serves_on(&self, day: NaiveDate) -> bool {
        match self.term {
            Some((from, to)) => from.is_none_or(|f| f <= day) && to.is_none_or(|t| day <= t),
            None => true,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Council {
    pub name: String,
    pub process: Option<Sp<u32>>,
    pub chair: Option<Sp<String>>,
    pub delegates: Vec<Delegate>,
    /// `[lints]`: rule id and level, with the span of the entry.
    pub lints: Vec<(String, Level, Range<usize>)>,
    pub source: String,
    /// Delegate id to its first position in `delegates`.
    index: std::collections::HashMap<String, usize>,
}

impl Council {
    pub fn delegate(&self, id: &str) -> Option<&Delegate> {
        self.index.get(id).map(|&i| &self.delegates[i])
    }

    pub fn delegate_by_email(&self, email: &str) -> Option<&Delegate> {
        self.delegates
            .iter()
            .find(|d| d.email.eq_ignore_ascii_case(email))
    }

    /// Parses `council.toml`. A TOML syntax error is fatal (the message names line and column);
    /// every other problem is a diagnostic.
    pub fn parse(source: String) -> Result<(Council, Vec<Diagnostic>), crate::Located> {
        let table = tomlv::parse_table(&source).map_err(|(msg, span)| {
            let (line, column, _) = crate::diag::locate(&source, span);
            crate::Located {
                file: FILE.into(),
                line,
                column,
                message: format!("invalid TOML: {msg}"),
            }
        })?;
        let mut diags = Vec::new();
        let mut council = Council::default();
        {
            let mut bad = |span: Range<usize>, msg: String| {
                diags.push(Diagnostic::at("invalid-council", FILE, &source, span, msg));
            };
            for (key, value) in table.get_ref() {
                let v = value.get_ref();
                let span = value.span();
                match key.get_ref().as_ref() {
                    "name" => match tomlv::as_str(v) {
                        Some(s) => council.name = s.to_owned(),
                        None => bad(span, tomlv::mismatch("name", "a string", v)),
                    },
                    "process" => match tomlv::as_int(v) {
                        Some(Ok(n)) if n >= 1 && n <= i64::from(u32::MAX) => {
                            council.process = Some(Sp::new(n as u32, span));
                        }
                        _ => bad(
                            span,
                            "`process` must be the id (an integer) of the process document".into(),
                        ),
                    },
                    "chair" => match tomlv::as_str(v) {
                        Some(s) => council.chair = Some(Sp::new(s.to_owned(), span)),
                        None => bad(span, tomlv::mismatch("chair", "a delegate id", v)),
                    },
                    "delegate" => match v {
                        DeValue::Array(a) => {
                            for d in a.iter() {
                                match d.get_ref() {
                                    DeValue::Table(t) => {
                                        council.delegates.push(read_delegate(
                                            t,
                                            d.span(),
                                            &mut bad,
                                        ));
                                    }
                                    other => bad(
                                        d.span(),
                                        tomlv::mismatch(
                                            "delegate",
                                            "a table ([[delegate]])",
                                            other,
                                        ),
                                    ),
                                }
                            }
                        }
                        _ => bad(
                            span,
                            tomlv::mismatch("delegate", "an array of tables ([[delegate]])", v),
                        ),
                    },
                    "lints" => match v {
                        DeValue::Table(t) => {
                            for (rule, level) in t {
                                let span = rule.span().start..level.span().end;
                                match tomlv::as_str(level.get_ref()).map(str::parse::<Level>) {
                                    Some(Ok(l)) => {
                                        council.lints.push((rule.get_ref().to_string(), l, span))
                                    }
                                    Some(Err(e)) => bad(level.span(), e),
                                    None => bad(
                                        level.span(),
                                        "a lint level is \"error\", \"warning\" or \"allow\""
                                            .into(),
                                    ),
                                }
                            }
                        }
                        _ => bad(span, tomlv::mismatch("lints", "a table", v)),
                    },
                    other => bad(
                        key.span(),
                        format!("unknown field `{other}` in council.toml"),
                    ),
                }
            }
            if council.process.is_none() && !table.get_ref().contains_key("process") {
                bad(
                    0..0,
                    "missing `process`: the id of the process document whose [rules] apply".into(),
                );
            }
            let mut seen = std::collections::HashMap::new();
            for d in &council.delegates {
                if let Some(first) = seen.insert(d.id.clone(), d.span.clone()) {
                    let (line, _, _) = crate::diag::locate(&source, first);
                    bad(
                        d.span.clone(),
                        format!(
                            "duplicate delegate id `{}` (first defined on line {line})",
                            d.id
                        ),
                    );
                }
            }
            let mut emails = std::collections::HashMap::new();
            for d in &council.delegates {
                if d.email.is_empty() {
                    continue;
                }
                if let Some(first) = emails.insert(d.email.to_ascii_lowercase(), d.id.clone()) {
                    bad(
                        d.span.clone(),
                        format!(
                            "delegate `{}` has the email of delegate `{first}` ({}): commits are attributed by email, so each delegate needs their own",
                            d.id, d.email
                        ),
                    );
                }
            }
            if let Some(chair) = &council.chair
                && !council.delegates.iter().any(|d| d.id == chair.value)
            {
                bad(
                    chair.span.clone(),
                    format!("the chair `{}` is not a delegate", chair.value),
                );
            }
        }
        for (rule, _, span) in &council.lints {
            if catalog::find(rule).is_none() {
                diags.push(Diagnostic::at(
                    "unknown-lint",
                    FILE,
                    &source,
                    span.clone(),
                    format!("unknown rule `{rule}` in [lints] (see `council check --list-rules`)"),
                ));
            }
        }
        drop(table);
        council.source = source;
        for (i, d) in council.delegates.iter().enumerate() {
            council.index.entry(d.id.clone()).or_insert(i);
        }
        Ok((council, diags))
    }
}

fn read_delegate(
    t: &DeTable<'_>,
    span: Range<usize>,
    bad: &mut impl FnMut(Range<usize>, String),
) -> Delegate {
    let mut d = Delegate {
        span: span.clone(),
        ..Delegate::default()
    };
    for (key, value) in t {
        let v = value.get_ref();
        let vspan = value.span();
        let k = key.get_ref().as_ref();
        match k {
            "id" | "name" | "email" | "key" => {
                let Some(s) = tomlv::as_str(v) else {
                    bad(
                        vspan,
                        tomlv::mismatch(&format!("delegate.{k}"), "a string", v),
                    );
                    continue;
                };
                match k {
                    "id" => {
                        if s.is_empty()
                            || !s
                                .bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                        {
                            bad(
                                vspan,
                                format!(
                                    "delegate id `{s}` must be [a-z0-9-]+: it names the ballot file"
                                ),
                            );
                        }
                        d.id = s.to_owned();
                    }
                    "name" => d.name = s.to_owned(),
                    "email" => {
                        if let Err(e) = check_email(s) {
                            bad(vspan, format!("delegate email: {e}"));
                        }
                        d.email = s.to_owned();
                    }
                    _ => {
                        if !looks_like_ssh_key(s) {
                            bad(vspan, "delegate key must be an SSH public key such as `ssh-ed25519 AAAA... comment`".into());
                        }
                        d.key = Some(s.to_owned());
                    }
                }
            }
            "term" => {
                let DeValue::Table(term) = v else {
                    bad(
                        vspan,
                        tomlv::mismatch("delegate.term", "a table { from, to }", v),
                    );
                    continue;
                };
                let mut range = (None, None);
                for (tk, tv) in term {
                    let date = match tv.get_ref() {
                        DeValue::Datetime(dt) => tomlv::as_local_date(dt),
                        _ => None,
                    };
                    match (tk.get_ref().as_ref(), date) {
                        ("from", Some(x)) => range.0 = Some(x),
                        ("to", Some(x)) => range.1 = Some(x),
                        ("from" | "to", None) => bad(
                            tv.span(),
                            format!("`term.{}` must be a date such as 2026-01-01", tk.get_ref()),
                        ),
                        (other, _) => bad(
                            tk.span(),
                            format!("unknown field `term.{other}`: a term has `from` and `to`"),
                        ),
                    }
                }
                if let (Some(a), Some(b)) = range
                    && a > b
                {
                    bad(vspan.clone(), "the term ends before it starts".into());
                }
                d.term = Some(range);
            }
            other => bad(key.span(), format!("unknown delegate field `{other}`")),
        }
    }
    for (field, empty) in [
        ("id", d.id.is_empty()),
        ("name", d.name.is_empty()),
        ("email", d.email.is_empty()),
    ] {
        if empty && !t.contains_key(field) {
            bad(
                span.start..span.start,
                format!("delegate without `{field}`"),
            );
        }
    }
    d
}

/// An SSH public key line's algorithm and key data (`ssh-ed25519 AAAA...`), its comment left
/// out: two lines name the same key when these agree.
pub fn key_fields(s: &str) -> String {
    s.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

fn looks_like_ssh_key(s: &str) -> bool {
    let mut parts = s.split_whitespace();
    matches!(
        (parts.next(), parts.next()),
        (Some(alg), Some(data))
            if (alg.starts_with("ssh-") || alg.starts_with("ecdsa-") || alg.starts_with("sk-"))
                && data.len() > 16
                && data.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"name = "Packaging Council"
process = 1
chair = "ada"

[[delegate]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.org"

[lints]
section-order = "error"
"#;

    #[test]
    fn parses_a_good_council() {
        let (c, diags) = Council::parse(GOOD.into()).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(c.delegates.len(), 1);
        assert_eq!(c.chair.unwrap().value, "ada");
        assert_eq!(c.lints[0].1, Level::Error);
    }

    #[test]
    fn semantic_problems_are_diagnostics() {
        let src = GOOD.replace("chair = \"ada\"", "chair = \"bob\"")
            + "\n[[delegate]]\nid = \"ada\"\nname = \"A\"\nemail = \"nope\"\n";
        let src = src.replace("[lints]\nsection-order = \"error\"\n", "");
        let (_, diags) = Council::parse(src).unwrap();
        let msgs: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(
            msgs.iter().any(|m| m.contains("not a delegate")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("duplicate delegate")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("not a valid email")),
            "{msgs:?}"
        );
    }

    #[test]
    fn syntax_errors_are_fatal_with_position() {
        let err = Council::parse("name = \n".into()).unwrap_err().to_string();
        assert!(err.starts_with("council.toml:1:"), "{err}");
    }
}
