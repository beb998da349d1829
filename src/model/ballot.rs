//! Ballots: `votes/<decision>/<delegate>.toml` and `votes/<decision>/casting.toml` (SPEC section 5).

use std::ops::Range;

use chrono::{DateTime, FixedOffset};
use toml::de::DeValue;

use super::tomlv::{self, Sp};
use crate::diag::Diagnostic;

/// The name of an option: a proposal id as four digits, or `none`.
pub const NONE: &str = "none";

/// The `vote` shorthand of a one-proposal decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vote {
    Approve,
    Reject,
    Abstain,
}

impl Vote {
    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Approve => "approve",
            Vote::Reject => "reject",
            Vote::Abstain => "abstain",
        }
    }

    pub fn parse(s: &str) -> Option<Vote> {
        match s {
            "approve" => Some(Vote::Approve),
            "reject" => Some(Vote::Reject),
            "abstain" => Some(Vote::Abstain),
            _ => None,
        }
    }
}

/// One delegate's ballot, as written.
#[derive(Clone, Debug, Default)]
pub struct Ballot {
    /// Groups of equally ranked options, most preferred first; each name keeps its span.
    pub ranking: Option<Sp<Vec<Vec<Sp<String>>>>>,
    pub vote: Option<Sp<Vote>>,
    pub comment: Option<String>,
    pub concerns: Vec<String>,
    pub recuse: bool,
    pub cast: Option<Sp<DateTime<FixedOffset>>>,
}

impl Ballot {
    /// The preference order over `options` this ballot expresses, as groups of equal rank
    /// (unlisted options share one last group). `None` for a recusal; an empty list for an
    /// abstention. `single` is the proposal of a one-proposal decision, for `vote`.
    pub fn preference(&self, single: Option<&str>) -> Option<Vec<Vec<String>>> {
        if self.recuse {
            return None;
        }
        if let Some(r) = &self.ranking {
            return Some(
                r.value
                    .iter()
                    .map(|g| g.iter().map(|o| o.value.clone()).collect())
                    .collect(),
            );
        }
        match (self.vote.as_ref().map(|v| v.value), single) {
            (Some(Vote::Approve), Some(p)) => Some(vec![vec![p.to_owned()], vec![NONE.to_owned()]]),
            (Some(Vote::Reject), Some(p)) => Some(vec![vec![NONE.to_owned()], vec![p.to_owned()]]),
            _ => Some(Vec::new()),
        }
    }
}

impl Ballot {
    /// The ranking's groups as `vote --rank` takes them (`0002 = 0003`), most preferred first.
    pub fn ranking_groups(&self) -> Option<Vec<String>> {
        self.ranking.as_ref().map(|r| {
            r.value
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|o| o.value.as_str())
                        .collect::<Vec<_>>()
                        .join(" = ")
                })
                .collect()
        })
    }

    /// One line for a reader: "recused", the ranking (`0002 > 0003 = none`), the vote, or
    /// "abstain".
    pub fn summary(&self) -> String {
        if self.recuse {
            return "recused".into();
        }
        if let Some(groups) = self.ranking_groups() {
            return groups.join(" > ");
        }
        self.vote
            .as_ref()
            .map_or("abstain", |v| v.value.as_str())
            .to_owned()
    }
}

/// A ballot file and what could be read of it.
#[derive(Clone, Debug, Default)]
pub struct BallotFile {
    pub file: String,
    pub decision: String,
    pub delegate: String,
    pub source: String,
    pub ballot: Option<Ballot>,
    /// The file had errors beyond unknown fields: it is not counted.
    pub malformed: bool,
    /// Why, at its first such error (`line:column: message`), for the tally to say.
    pub malformed_why: Option<String>,
}

impl BallotFile {
    /// Reads `votes/<decision>/<delegate>.toml` (at `file`) from its text.
    pub fn parse(
        file: &str,
        decision: &str,
        delegate: &str,
        source: String,
    ) -> (BallotFile, Vec<Diagnostic>) {
        let (ballot, diags) = Ballot::parse(file, &source);
        let why = diags
            .iter()
            .find(|d| d.rule != "unknown-field")
            .map(|d| format!("line {}, column {}: {}", d.line, d.column, d.message));
        let malformed = why.is_some();
        let b = BallotFile {
            file: file.to_owned(),
            decision: decision.to_owned(),
            delegate: delegate.to_owned(),
            source,
            ballot,
            malformed,
            malformed_why: why,
        };
        (b, diags)
    }

    /// [`Ballot::summary`], or "(malformed)" when the file could not be read as a ballot.
    pub fn summary(&self) -> String {
        self.ballot
            .as_ref()
            .map_or_else(|| "(malformed)".to_owned(), Ballot::summary)
    }
}

/// `votes/<decision>/casting.toml`.
#[derive(Clone, Debug, Default)]
pub struct Casting {
    pub file: String,
    pub decision: String,
    pub source: String,
    pub winner: Option<Sp<String>>,
    pub cast: Option<DateTime<FixedOffset>>,
}

/// Splits one ranking entry such as `"0002 = 0004"` into its options.
pub fn split_group(s: &str) -> Vec<&str> {
    s.split('=').map(str::trim).collect()
}

/// Parses the command line form `"A > B = C"` into ranking entries `["A", "B = C"]`.
pub fn parse_rank_expr(expr: &str) -> Result<Vec<String>, String> {
    if let Some(sep) = expr.chars().find(|c| [',', ';', '<'].contains(c)) {
        return Err(format!(
            "`{expr}`: `{sep}` is not a ranking separator: write `>` for \"preferred to\" and `=` for \"equal to\" (e.g. \"0003 > 0002 = 0004 > none\")"
        ));
    }
    let mut out = Vec::new();
    for group in expr.split('>') {
        let names = split_group(group);
        if names.iter().any(|n| n.is_empty()) {
            return Err(format!(
                "`{expr}`: an empty place in the ranking (write e.g. \"0003 > 0002 = 0004 > none\")"
            ));
        }
        out.push(names.join(" = "));
    }
    Ok(out)
}

impl Ballot {
    /// Parses a ballot file; problems are diagnostics for `file`.
    pub fn parse(file: &str, source: &str) -> (Option<Ballot>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let table = match tomlv::parse_table(source) {
            Ok(t) => t,
            Err((msg, span)) => {
                diags.push(Diagnostic::at(
                    "toml-syntax",
                    file,
                    source,
                    span,
                    format!("invalid TOML: {msg}"),
                ));
                return (None, diags);
            }
        };
        let mut bad = |rule: &'static str, span: Range<usize>, msg: String| {
            diags.push(Diagnostic::at(rule, file, source, span, msg));
        };
        let mut b = Ballot::default();
        let mut concerns_span = 0..0;
        for (key, value) in table.get_ref() {
            let v = value.get_ref();
            let span = value.span();
            match key.get_ref().as_ref() {
                "ranking" => {
                    let DeValue::Array(items) = v else {
                        bad(
                            "ballot-form",
                            span,
                            tomlv::mismatch("ranking", "an array of strings", v),
                        );
                        continue;
                    };
                    let mut groups = Vec::new();
                    for item in items.iter() {
                        let Some(s) = tomlv::as_str(item.get_ref()) else {
                            bad(
                                "ballot-form",
                                item.span(),
                                tomlv::mismatch("ranking", "an array of strings", item.get_ref()),
                            );
                            continue;
                        };
                        let mut group = Vec::new();
                        for name in split_group(s) {
                            if name.is_empty() {
                                bad(
                                    "ballot-form",
                                    item.span(),
                                    format!("empty place in `{s}`: every `=` joins two options"),
                                );
                            } else {
                                group.push(Sp::new(name.to_owned(), item.span()));
                            }
                        }
                        if !group.is_empty() {
                            groups.push(group);
                        }
                    }
                    b.ranking = Some(Sp::new(groups, span));
                }
                "vote" => match tomlv::as_str(v).map(|s| (s, Vote::parse(s))) {
                    Some((_, Some(vote))) => b.vote = Some(Sp::new(vote, span)),
                    Some((s, None)) => bad(
                        "ballot-form",
                        span,
                        format!(
                            "unknown vote `{s}`: expected \"approve\", \"reject\" or \"abstain\""
                        ),
                    ),
                    None => bad("ballot-form", span, tomlv::mismatch("vote", "a string", v)),
                },
                "comment" => match tomlv::as_str(v) {
                    Some(s) => b.comment = Some(s.to_owned()),
                    None => bad(
                        "ballot-form",
                        span,
                        tomlv::mismatch("comment", "a string", v),
                    ),
                },
                "concerns" => match v {
                    DeValue::Array(a) => {
                        concerns_span = span.clone();
                        for c in a.iter() {
                            match tomlv::as_str(c.get_ref()) {
                                Some(s) if !s.trim().is_empty() => b.concerns.push(s.to_owned()),
                                Some(_) => bad("ballot-form", c.span(), "an empty concern".into()),
                                None => bad(
                                    "ballot-form",
                                    c.span(),
                                    tomlv::mismatch("concerns", "an array of strings", c.get_ref()),
                                ),
                            }
                        }
                    }
                    _ => bad(
                        "ballot-form",
                        span,
                        tomlv::mismatch("concerns", "an array of strings", v),
                    ),
                },
                "recuse" => match v {
                    DeValue::Boolean(r) => b.recuse = *r,
                    _ => bad(
                        "ballot-form",
                        span,
                        tomlv::mismatch("recuse", "a boolean", v),
                    ),
                },
                "cast" => match v {
                    DeValue::Datetime(d) => match tomlv::as_instant(d) {
                        Some(t) => b.cast = Some(Sp::new(t, span)),
                        None => bad(
                            "invalid-date",
                            span,
                            format!("`cast` must be a date-time with an offset, found `{d}`"),
                        ),
                    },
                    _ => bad(
                        "ballot-form",
                        span,
                        tomlv::mismatch("cast", "a date-time", v),
                    ),
                },
                other => bad(
                    "unknown-field",
                    key.span(),
                    format!("unknown ballot field `{other}`"),
                ),
            }
        }
        if let (Some(r), Some(v)) = (&b.ranking, &b.vote) {
            let span = r.span.start.min(v.span.start)..r.span.end.max(v.span.end);
            bad(
                "ballot-form",
                span,
                "a ballot has either `ranking` or `vote`, not both".into(),
            );
        }
        if b.recuse && !b.concerns.is_empty() {
            bad(
                "ballot-form",
                concerns_span,
                "a recused ballot has no concerns: recusal means not taking part".into(),
            );
        }
        if b.recuse
            && let Some(r) = b
                .ranking
                .as_ref()
                .map(|r| r.span.clone())
                .or(b.vote.as_ref().map(|v| v.span.clone()))
        {
            bad(
                "ballot-form",
                r,
                "a recused ballot must not rank or vote: recusal means not taking part".into(),
            );
        }
        (Some(b), diags)
    }
}

impl Casting {
    pub fn parse(file: &str, decision: &str, source: String) -> (Casting, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut c = Casting {
            file: file.to_owned(),
            decision: decision.to_owned(),
            ..Casting::default()
        };
        match tomlv::parse_table(&source) {
            Err((msg, span)) => diags.push(Diagnostic::at(
                "toml-syntax",
                file,
                &source,
                span,
                format!("invalid TOML: {msg}"),
            )),
            Ok(table) => {
                for (key, value) in table.get_ref() {
                    match (key.get_ref().as_ref(), value.get_ref()) {
                        ("winner", DeValue::String(s)) => {
                            c.winner = Some(Sp::new(s.to_string(), value.span()))
                        }
                        ("cast", DeValue::Datetime(d)) => c.cast = tomlv::as_instant(d),
                        ("comment", DeValue::String(_)) => {}
                        (k @ ("winner" | "cast" | "comment"), v) => diags.push(Diagnostic::at(
                            "casting-vote",
                            file,
                            &source,
                            value.span(),
                            tomlv::mismatch(
                                k,
                                if k == "cast" {
                                    "a date-time"
                                } else {
                                    "a string"
                                },
                                v,
                            ),
                        )),
                        (other, _) => diags.push(Diagnostic::at(
                            "unknown-field",
                            file,
                            &source,
                            key.span(),
                            format!("unknown field `{other}` in casting.toml"),
                        )),
                    }
                }
                if c.winner.is_none() && !table.get_ref().contains_key("winner") {
                    diags.push(Diagnostic::file(
                        "casting-vote",
                        file,
                        "casting.toml without `winner`",
                    ));
                }
            }
        }
        c.source = source;
        (c, diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_with_equal_groups() {
        let (b, d) = Ballot::parse(
            "b.toml",
            "ranking = [\"0003\", \"0002 = 0004\", \"none\"]\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let pref = b.unwrap().preference(None).unwrap();
        assert_eq!(pref, vec![vec!["0003"], vec!["0002", "0004"], vec!["none"]]);
    }

    #[test]
    fn vote_shorthand_and_recusal() {
        let (b, _) = Ballot::parse("b.toml", "vote = \"approve\"\n");
        assert_eq!(
            b.unwrap().preference(Some("0007")).unwrap(),
            vec![vec!["0007"], vec!["none"]]
        );
        let (b, _) = Ballot::parse("b.toml", "vote = \"abstain\"\n");
        assert!(b.unwrap().preference(Some("0007")).unwrap().is_empty());
        let (b, d) = Ballot::parse("b.toml", "recuse = true\nvote = \"reject\"\n");
        assert!(b.unwrap().preference(Some("0007")).is_none());
        assert_eq!(d[0].rule, "ballot-form");
    }

    #[test]
    fn empty_group_and_both_forms_are_errors() {
        let (_, d) = Ballot::parse("b.toml", "ranking = [\"0002 = \"]\nvote = \"approve\"\n");
        let rules: Vec<_> = d.iter().map(|d| d.rule).collect();
        assert_eq!(rules, ["ballot-form", "ballot-form"]);
    }

    #[test]
    fn rank_expressions() {
        assert_eq!(
            parse_rank_expr("0003 > 0002 = 0004 > none").unwrap(),
            ["0003", "0002 = 0004", "none"]
        );
        assert!(parse_rank_expr("0003 > > none").is_err());
        // A comma is not "preferred to" (nor "equal to"): refused, not guessed.
        assert!(parse_rank_expr("0002,0003").is_err());
    }
}
