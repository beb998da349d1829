//! Rules about one proposal at a time (beyond what parsing already found).

use crate::diag::Diagnostic;
use crate::model::proposal::{Proposal, Section};
use crate::model::rules::Rules;
use crate::model::status::{Status, Type};
use crate::repo::Repo;

/// Checks one proposal. `has_votes`: ballots exist for its decision.
pub fn check(p: &Proposal, rules: &Rules, repo: &Repo, has_votes: bool, out: &mut Vec<Diagnostic>) {
    let src = p.source.as_str();
    let at = |rule, span: std::ops::Range<usize>, msg: String| {
        Diagnostic::at(rule, &p.file, src, span, msg)
    };
    let opening = p.front_matter.start.saturating_sub(4)..p.front_matter.start.saturating_sub(1);

    check_file_name(p, out);

    let status = p.status_value();
    let kind = p.kind.as_ref().map(|k| k.value);
    if let (Some(st), Some(k)) = (&p.status, kind)
        && st.value == Status::Active
        && k == Type::Standards
    {
        out.push(at(
                "invalid-status",
                st.span.clone(),
                format!("`Active` is for process and informational documents; a {k} proposal that was accepted is `Accepted`, then `Final`"),
            ));
    }
    if let Some(st) = status {
        if st.needs_discussion() && p.discussions_to.is_none() {
            out.push(at(
                "missing-field",
                p.status
                    .as_ref()
                    .map_or(opening.clone(), |s| s.span.clone()),
                format!("a proposal in {st} needs `discussions-to`, the URL where it is discussed: add `discussions-to = \"https://...\"` to its front matter (or run `council status ID {st} --discussions-to URL`)"),
            ));
        }
        if st.is_decided() && !has_votes && p.resolution.is_none() {
            out.push(at(
                "missing-resolution",
                p.status
                    .as_ref()
                    .map_or(opening.clone(), |s| s.span.clone()),
                format!(
                    "{st} without recorded votes needs `resolution`: a URL to where it was decided"
                ),
            ));
        }
        if st.needs_implementation() {
            if p.implementation.is_none() {
                out.push(at(
                    "missing-implementation",
                    p.status
                        .as_ref()
                        .map_or(opening.clone(), |s| s.span.clone()),
                    "a Final proposal needs `implementation`: the URL of its working prototype"
                        .to_owned(),
                ));
            }
            if let Some(s) = p
                .sections
                .iter()
                .find(|s| s.level == 2 && s.title == "Reference Implementation" && s.empty)
            {
                out.push(
                    Diagnostic::at_line("missing-implementation", &p.file, src, s.line, s.column, "the Reference Implementation section is empty: a Final proposal describes its working prototype")
                        .with_label("empty section"),
                );
            }
        }
    }
    if let (Some(created), Some(resolved)) = (&p.created, &p.resolved)
        && resolved.value < created.value
    {
        out.push(at(
            "invalid-date",
            resolved.span.clone(),
            "`resolved` is before `created`".to_owned(),
        ));
    }
    if let Some(k) = kind {
        check_sections(p, &rules.sections_for(k), k, out);
    }
    check_links(p, repo, out);
    check_placeholders(p, out);
}

/// The one-line prompt `council new` writes under each section: placeholder text until the
/// author replaces it.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("Abstract", "A short summary of what this proposal does."),
    ("Motivation", "The problem it solves and for whom."),
    (
        "Rationale",
        "Why this design, and what was weighed against it.",
    ),
    (
        "Specification",
        "What exactly changes, precisely enough to implement.",
    ),
    (
        "Backwards Compatibility",
        "What breaks, and how users migrate.",
    ),
    (
        "Security Implications",
        "What an attacker could do with this, and why it is safe.",
    ),
    (
        "Reference Implementation",
        "Where the working prototype lives and how to try it.",
    ),
    (
        "Rejected Ideas",
        "Alternatives considered and why they were set aside.",
    ),
];

/// The prompt for any other section.
pub const PLACEHOLDER_OTHER: &str = "To be written.";

/// The prompt `council new` writes under `section`.
pub fn placeholder(section: &str) -> &'static str {
    PLACEHOLDERS
        .iter()
        .find(|(s, _)| *s == section)
        .map_or(PLACEHOLDER_OTHER, |(_, p)| p)
}

/// Lines still holding a prompt of `council new`: a warning, an error from Final on.
fn check_placeholders(p: &Proposal, out: &mut Vec<Diagnostic>) {
    let src = p.source.as_str();
    let body = p.front_matter.end.min(src.len());
    let fin = p.status_value().is_some_and(|s| s.needs_implementation());
    let mut at = body;
    for line in src[body..].split_inclusive('\n') {
        let text = line.trim();
        let start = at + (line.len() - line.trim_start().len());
        at += line.len();
        if text.len() < 14 || !text.ends_with('.') {
            continue;
        }
        if text != PLACEHOLDER_OTHER && !PLACEHOLDERS.iter().any(|(_, t)| *t == text) {
            continue;
        }
        let mut d = Diagnostic::at(
            "placeholder-text",
            &p.file,
            src,
            start..start + text.len(),
            format!(
                "\"{text}\" is the placeholder `council new` wrote: replace it with the section's content{}",
                if fin { " (a Final proposal has none left)" } else { "" }
            ),
        )
        .with_label("placeholder");
        d.severity = if fin {
            crate::diag::Severity::Error
        } else {
            crate::diag::Severity::Warning
        };
        out.push(d);
    }
}

fn check_file_name(p: &Proposal, out: &mut Vec<Diagnostic>) {
    let name = p.file.rsplit('/').next().unwrap_or(&p.file);
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let (digits, slug) = stem.split_once('-').unwrap_or((stem, ""));
    let well_formed = digits.len() >= 4
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !well_formed {
        let suggestion =
            p.id.as_ref()
                .map(|id| {
                    format!(
                        ": rename it to {:04}-{}.md",
                        id.value,
                        slugify(p.title_str())
                    )
                })
                .unwrap_or_default();
        out.push(Diagnostic::file(
            "file-name",
            &p.file,
            format!("`{name}` is not named NNNN-slug.md (a zero-padded id, then a lower-case slug){suggestion}"),
        ));
        return;
    }
    // Compared as text: a number too long for any integer type still differs from the id.
    let n = digits.trim_start_matches('0');
    if let Some(id) = &p.id
        && n != id.value.to_string()
    {
        out.push(
            Diagnostic::at(
                "file-name",
                &p.file,
                &p.source,
                id.span.clone(),
                format!("the file name says {digits} but `id` is {}", id.value),
            )
            .with_label(format!("expected {n}")),
        );
    }
}

/// A file-name slug from a title: lower-case words joined by `-`.
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    // Letters beyond ASCII by their nearest ASCII spelling: `Über` is `uber`, not `ber`.
    for c in deunicode::deunicode(title).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let cut: String = out.chars().take(48).collect();
    let cut = cut.trim_end_matches('-').to_owned();
    if cut.is_empty() {
        "proposal".to_owned()
    } else {
        cut
    }
}

fn check_sections(p: &Proposal, required: &[String], kind: Type, out: &mut Vec<Diagnostic>) {
    let src = p.source.as_str();
    let h2: Vec<&Section> = p.sections.iter().filter(|s| s.level == 2).collect();
    let mut seen: Vec<(usize, &Section)> = Vec::new();
    for s in &h2 {
        let Some(idx) = required.iter().position(|r| r == &s.title) else {
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(i, _)| *i == idx) {
            out.push(Diagnostic::at_line(
                "duplicate-section",
                &p.file,
                src,
                s.line,
                s.column,
                format!(
                    "`## {}` appears twice (first on line {})",
                    s.title, first.line
                ),
            ));
            continue;
        }
        if let Some((_, later)) = seen.iter().find(|(i, _)| *i > idx) {
            out.push(Diagnostic::at_line(
                "section-order",
                &p.file,
                src,
                s.line,
                s.column,
                format!("`## {}` should come before `## {}`", s.title, later.title),
            ));
        }
        seen.push((idx, s));
    }
    for (idx, title) in required.iter().enumerate() {
        if seen.iter().any(|(i, _)| *i == idx) {
            continue;
        }
        // Point where it belongs: at the next required section present, else the end.
        let next = seen
            .iter()
            .filter(|(i, _)| *i > idx)
            .min_by_key(|(i, _)| *i)
            .map(|(_, s)| *s);
        let (d, place) = match next {
            Some(s) => (
                Diagnostic::at_line("missing-section", &p.file, src, s.line, s.column, ""),
                "before",
            ),
            None => {
                let end = src.trim_end().len();
                let start = src[..end].rfind('\n').map_or(0, |i| i + 1);
                (
                    Diagnostic::at("missing-section", &p.file, src, start..end, ""),
                    "after",
                )
            }
        };
        out.push(
            Diagnostic {
                message: format!(
                    "missing section `## {title}` ({kind} proposals have: {})",
                    required.join(", ")
                ),
                ..d
            }
            .with_label(format!("`## {title}` belongs {place} here")),
        );
    }
}

fn check_links(p: &Proposal, repo: &Repo, out: &mut Vec<Diagnostic>) {
    let root = repo.root.as_path();
    let dir = p.file.rsplit_once('/').map_or("", |(d, _)| d);
    for link in &p.links {
        let url = link.url.trim();
        if url.is_empty() || url.starts_with('#') || url.starts_with("//") || has_scheme(url) {
            continue;
        }
        let path = url.split(['#', '?']).next().unwrap_or(url);
        if path.is_empty() {
            continue;
        }
        let path = path.replace("%20", " ");
        let target = if let Some(abs) = path.strip_prefix('/') {
            root.join(abs)
        } else {
            root.join(dir).join(&path)
        };
        // A link to a proposal that was loaded needs no look at the disk (most links are).
        let rel = if let Some(abs) = path.strip_prefix('/') {
            lexical(abs)
        } else {
            lexical(&format!("{dir}/{path}"))
        };
        let known = !path.ends_with('/') && rel.is_some_and(|rel| repo.proposal_at(&rel).is_some());
        if !known && !target.exists() {
            out.push(Diagnostic::at_line(
                "broken-link",
                &p.file,
                &p.source,
                link.line,
                link.column,
                format!("the link to `{url}` does not resolve: no such file in the repository"),
            ));
        }
    }
}

/// `path` with `.` and `..` resolved by name alone; `None` if it climbs out of the root.
fn lexical(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("A standard lockfile format!"),
            "a-standard-lockfile-format"
        );
        assert_eq!(slugify("???"), "proposal");
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("0002-x.md"));
        assert!(!has_scheme("../x.md"));
    }
}
