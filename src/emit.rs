//! Emitters: diagnostics rendered for people (rustc style), for scripts (JSON) and for GitHub
//! Actions (workflow commands). One function per format, all over the same data.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diag::{Diagnostic, Severity, Summary};

/// The output formats of `check` and `audit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

pub fn emit(
    out: &mut dyn Write,
    format: Format,
    diags: &[Diagnostic],
    summary: Summary,
    quiet: bool,
) -> io::Result<()> {
    match format {
        Format::Human => human(out, diags, summary, quiet),
        Format::Json => json(out, diags, summary),
        Format::Github => github(out, diags),
    }
}

/// "1 file", "2 files".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// rustc-style: `error[rule]: message`, an arrow to file:line:col, the line, a caret, a help line.
pub fn human(
    out: &mut dyn Write,
    diags: &[Diagnostic],
    summary: Summary,
    quiet: bool,
) -> io::Result<()> {
    let renderer = Renderer::styled();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(d.message.as_str()).id(d.rule);
        let help = format!(
            "for more on this rule, run `council check --explain {0}` (docs/rules/{0}.md)",
            d.rule
        );
        let group = match &d.excerpt {
            Some(ex) => {
                let mut ann = AnnotationKind::Primary.span(ex.span.clone());
                if let Some(l) = &d.label {
                    ann = ann.label(l.as_str());
                }
                title.element(
                    Snippet::source(ex.text.as_str())
                        .line_start(d.line)
                        .path(d.file.as_str())
                        .annotation(ann),
                )
            }
            // A finding about no one file (a commit's date, a shallow clone) names none.
            None if d.file.is_empty() => Group::with_title(title),
            None => title.element(
                annotate_snippets::Origin::path(d.file.as_str())
                    .line(d.line)
                    .char_column(d.column),
            ),
        };
        let report = [group, Group::with_title(Level::HELP.secondary_title(help))];
        writeln!(out, "{}\n", renderer.render(&report))?;
    }
    if !quiet {
        let Summary {
            files,
            errors,
            warnings,
        } = summary;
        writeln!(
            out,
            "checked {}: {}, {}",
            plural(files, "file"),
            plural(errors, "error"),
            plural(warnings, "warning")
        )?;
    }
    Ok(())
}

pub fn json(out: &mut dyn Write, diags: &[Diagnostic], summary: Summary) -> io::Result<()> {
    writeln!(out, "{}", json_value(diags, summary))
}

/// The JSON object of SPEC section 6: files, errors, warnings, diagnostics.
pub fn json_value(diags: &[Diagnostic], summary: Summary) -> serde_json::Value {
    let items: Vec<_> = diags
        .iter()
        .map(|d| {
            let mut v = serde_json::json!({
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "severity": d.severity.as_str(),
                "rule": d.rule,
                "message": d.message,
            });
            if let (Some(c), serde_json::Value::Object(m)) = (&d.commit, &mut v) {
                m.insert("commit".into(), c.clone().into());
            }
            v
        })
        .collect();
    serde_json::json!({
        "files": summary.files,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "diagnostics": items,
    })
}

/// GitHub workflow commands; properties and message escaped as the runner expects.
pub fn github(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    for d in diags {
        // A finding about no file (a command that could not run) names none.
        let place = if d.file.is_empty() {
            String::new()
        } else {
            format!(
                "file={},line={},col={},",
                escape_property(&d.file),
                d.line,
                d.column
            )
        };
        writeln!(
            out,
            "::{} {place}title={}::{}",
            d.severity.as_str(),
            escape_property(d.rule),
            escape_data(&d.message)
        )?;
    }
    Ok(())
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Diagnostic> {
        let mut d = Diagnostic::at(
            "invalid-topic",
            "proposals/0002-x.md",
            "+++\ntopic = \"A,b\"\n+++\n",
            12..17,
            "topic `A,b` may hold only a-z",
        );
        d.severity = Severity::Warning;
        vec![d]
    }

    #[test]
    fn github_escapes() {
        let mut out = Vec::new();
        github(&mut out, &sample()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::warning file=proposals/0002-x.md,line=2,col=9,title=invalid-topic::topic `A,b` may hold only a-z\n"
        );
    }

    #[test]
    fn github_names_no_file_where_there_is_none() {
        let mut out = Vec::new();
        let d = Diagnostic::file("cannot-run", "", "no git repository here".to_owned());
        github(&mut out, &[d]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error title=cannot-run::no git repository here\n"
        );
    }

    #[test]
    fn human_points_at_the_span() {
        let mut out = Vec::new();
        human(
            &mut out,
            &sample(),
            Summary {
                files: 1,
                errors: 0,
                warnings: 1,
            },
            false,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let plain = anstream::adapter::strip_str(&text).to_string();
        assert!(
            plain.contains("warning[invalid-topic]: topic `A,b` may hold only a-z"),
            "{plain}"
        );
        assert!(plain.contains("--> proposals/0002-x.md:2:9"), "{plain}");
        assert!(plain.contains("^^^^^"), "{plain}");
        assert!(
            plain.contains(
                "help: for more on this rule, run `council check --explain invalid-topic`"
            ),
            "{plain}"
        );
        assert!(
            plain.ends_with("checked 1 file: 0 errors, 1 warning\n"),
            "{plain}"
        );
    }
}
