//! The decision record, `decisions/<decision>.toml` (SPEC section 5): written by `council open`,
//! completed by `council close`. From the opening on, the record, not the proposals' current
//! state, says what is being decided, by whom and by which rules.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use chrono::{DateTime, FixedOffset, Utc};
use toml::de::{DeTable, DeValue};

use super::rules::{MinBallots, Ratio, Rules};
use super::status::{Status, Type};
use super::tomlv;
use crate::diag::Diagnostic;

/// Where decision records live.
pub const DIR: &str = "decisions";

/// The path of decision `name`'s record.
pub fn path(name: &str) -> String {
    format!("{DIR}/{name}.toml")
}

/// A decision's state, tried in the order of SPEC section 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Open,
    Inquorate,
    Blocked,
    Tie,
    Decided,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Open,
        State::Inquorate,
        State::Blocked,
        State::Tie,
        State::Decided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Inquorate => "inquorate",
            State::Blocked => "blocked",
            State::Tie => "tie",
            State::Decided => "decided",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// One proposal in the vote. Two options are equal when they say the same, wherever they
/// stand in their texts.
#[derive(Clone, Debug, Eq)]
pub struct RecordOption {
    pub id: u32,
    pub file: String,
    /// The git blob id of the file as `open` left it: the text voted on.
    pub text: String,
    pub kind: Type,
    pub majority: Ratio,
    /// Where its `id` stands in the record's text (empty for a record not read from a file).
    pub span: Range<usize>,
}

impl PartialEq for RecordOption {
    fn eq(&self, other: &Self) -> bool {
        (&self.id, &self.file, &self.text, self.kind, self.majority)
            == (
                &other.id,
                &other.file,
                &other.text,
                other.kind,
                other.majority,
            )
    }
}

impl RecordOption {
    /// The option's name in ballots: the id as four digits.
    pub fn name(&self) -> String {
        format!("{:04}", self.id)
    }
}

/// A delegate entitled to vote, with the identity that signs their ballots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Elector {
    pub id: String,
    pub email: String,
    pub key: Option<String>,
}

/// The `[closed]` table written by `council close`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closed {
    pub at: DateTime<FixedOffset>,
    pub state: State,
    pub winners: Vec<String>,
    pub casting: Option<String>,
    pub outcome: BTreeMap<String, Status>,
}

/// A decision record.
#[derive(Clone, Debug)]
pub struct Record {
    pub file: String,
    pub source: String,
    pub decision: String,
    pub opened: DateTime<FixedOffset>,
    pub closes: DateTime<FixedOffset>,
    pub opened_by: String,
    pub chair: Option<String>,
    pub options: Vec<RecordOption>,
    pub electors: Vec<Elector>,
    /// The id of the process document whose rules were copied.
    pub process: u32,
    /// The rules copied at opening (only the fields a count uses are read; the rest default).
    pub rules: Rules,
    pub closed: Option<Closed>,
    /// Where `[closed]` starts in the source (its header), if present.
    pub closed_span: Option<Range<usize>>,
}

/// Everything but `[closed]`: what nobody may change once the record is written.
#[derive(Debug, PartialEq, Eq)]
pub struct Terms<'a> {
    pub decision: &'a str,
    pub opened: DateTime<FixedOffset>,
    pub closes: DateTime<FixedOffset>,
    pub opened_by: &'a str,
    pub chair: Option<&'a str>,
    pub options: &'a [RecordOption],
    pub electors: &'a [Elector],
    pub process: u32,
    pub rules: RuleTerms,
}

/// The rules a record copies (SPEC section 5's `[rules]` of the record).
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct RuleTerms {
    pub quorum: u32,
    pub min_ballots: MinBallots,
    pub close_early: bool,
    pub concerns_block: bool,
}

impl RuleTerms {
    pub fn of(r: &Rules) -> Self {
        RuleTerms {
            quorum: r.quorum,
            min_ballots: r.min_ballots,
            close_early: r.close_early,
            concerns_block: r.concerns_block,
        }
    }
}

impl Record {
    pub fn is_closed(&self) -> bool {
        self.closed.is_some()
    }

    /// The options in ballots: each proposal's four-digit id.
    pub fn option_names(&self) -> Vec<String> {
        self.options.iter().map(RecordOption::name).collect()
    }

    pub fn option(&self, id: u32) -> Option<&RecordOption> {
        self.options.iter().find(|o| o.id == id)
    }

    /// The majority option `name` (as ballots name it) needs; 1:1 for `none` and unknowns.
    pub fn ratio(&self, name: &str) -> Ratio {
        self.options
            .iter()
            .find(|o| o.name() == name)
            .map_or(Ratio::SIMPLE, |o| o.majority)
    }

    pub fn elector(&self, id: &str) -> Option<&Elector> {
        self.electors.iter().find(|e| e.id == id)
    }

    /// The only proposal of a one-proposal decision.
    pub fn single(&self) -> Option<String> {
        match self.options.as_slice() {
            [o] => Some(o.name()),
            _ => None,
        }
    }

    /// Who may cancel the vote: the chair in the record, or with none, its opener.
    pub fn canceller(&self) -> &str {
        self.chair.as_deref().unwrap_or(&self.opened_by)
    }

    pub fn terms(&self) -> Terms<'_> {
        Terms {
            decision: &self.decision,
            opened: self.opened,
            closes: self.closes,
            opened_by: &self.opened_by,
            chair: self.chair.as_deref(),
            options: &self.options,
            electors: &self.electors,
            process: self.process,
            rules: RuleTerms::of(&self.rules),
        }
    }

    /// The record's text as `council open` writes it (no `[closed]`).
    pub fn render(&self) -> String {
        let mut s = String::new();
        let q = |v: &str| toml_edit::Value::from(v).to_string();
        let t = |d: &DateTime<FixedOffset>| d.with_timezone(&Utc).format("%Y-%m-%dT%H:%M:%SZ");
        let _ = writeln!(
            s,
            "# The decision record of `{}`: written by `council open`, completed by `council close`.\n\
             # Never edit it by hand: `council check --base` and `council audit` reject any other change.",
            self.decision
        );
        let _ = writeln!(s, "decision = {}", q(&self.decision));
        let _ = writeln!(s, "opened = {}", t(&self.opened));
        let _ = writeln!(s, "closes = {}", t(&self.closes));
        let _ = writeln!(s, "opened-by = {}", q(&self.opened_by));
        if let Some(c) = &self.chair {
            let _ = writeln!(s, "chair = {}", q(c));
        }
        for o in &self.options {
            let _ = writeln!(
                s,
                "\n[[option]]\nid = {}\nfile = {}\ntext = {}\ntype = {}\nmajority = {}",
                o.id,
                q(&o.file),
                q(&o.text),
                q(o.kind.as_str()),
                q(&o.majority.to_string())
            );
        }
        for e in &self.electors {
            let _ = writeln!(
                s,
                "\n[[elector]]\nid = {}\nemail = {}",
                q(&e.id),
                q(&e.email)
            );
            if let Some(k) = &e.key {
                let _ = writeln!(s, "key = {}", q(k));
            }
        }
        let r = &self.rules;
        let min = match r.min_ballots {
            MinBallots::Count(n) => n.to_string(),
            other => q(&other.to_string()),
        };
        let _ = writeln!(
            s,
            "\n[rules]\nprocess = {}\nquorum = {}\nmin-ballots = {min}\nclose-early = {}\nconcerns-block = {}",
            self.process, r.quorum, r.close_early, r.concerns_block
        );
        s
    }

    /// The `[closed]` table `council close` appends.
    pub fn render_closed(c: &Closed) -> String {
        let q = |v: &str| toml_edit::Value::from(v).to_string();
        let list = |v: &[String]| {
            let items: Vec<String> = v.iter().map(|x| q(x)).collect();
            format!("[{}]", items.join(", "))
        };
        let mut s = String::new();
        let _ = writeln!(
            s,
            "\n[closed]\nat = {}\nstate = {}\nwinners = {}",
            c.at.with_timezone(&Utc).format("%Y-%m-%dT%H:%M:%SZ"),
            q(c.state.as_str()),
            list(&c.winners)
        );
        if let Some(w) = &c.casting {
            let _ = writeln!(s, "casting = {}", q(w));
        }
        let outcome: Vec<String> = c
            .outcome
            .iter()
            .map(|(k, v)| format!("{} = {}", q(k), q(v.as_str())))
            .collect();
        let _ = writeln!(s, "outcome = {{ {} }}", outcome.join(", "));
        s
    }

    /// Parses a record. `name` is the decision its file name gives. Any problem makes the
    /// record unusable (`None`): a record is written by council, never guessed at.
    pub fn parse(file: &str, name: &str, source: String) -> (Option<Record>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let rec = {
            let mut bad = |span: Range<usize>, msg: String| {
                diags.push(Diagnostic::at("invalid-record", file, &source, span, msg));
            };
            match tomlv::parse_table(&source) {
                Err((msg, span)) => {
                    bad(span, format!("invalid TOML: {msg}"));
                    None
                }
                Ok(table) => read(file, name, table.get_ref(), &mut bad),
            }
        };
        let ok = diags.is_empty();
        (
            rec.filter(|_| ok).map(|mut r| {
                r.source = source;
                r
            }),
            diags,
        )
    }
}

type Bad<'b> = &'b mut dyn FnMut(Range<usize>, String);

fn read(file: &str, name: &str, t: &DeTable<'_>, bad: Bad<'_>) -> Option<Record> {
    let mut decision = None;
    let mut opened = None;
    let mut closes = None;
    let mut opened_by = None;
    let mut chair = None;
    let mut options = Vec::new();
    let mut electors = Vec::new();
    let mut rules = None;
    let mut closed = None;
    let mut closed_span = None;
    for (key, value) in t {
        let (k, v, span) = (key.get_ref().as_ref(), value.get_ref(), value.span());
        match k {
            "decision" | "opened-by" | "chair" => match tomlv::as_str(v) {
                Some(s) => {
                    let s = Some(s.to_owned());
                    match k {
                        "decision" => decision = s,
                        "opened-by" => opened_by = s,
                        _ => chair = s,
                    }
                }
                None => bad(span, tomlv::mismatch(k, "a string", v)),
            },
            "opened" | "closes" => match instant(k, v) {
                Ok(i) => {
                    if k == "opened" {
                        opened = Some(i)
                    } else {
                        closes = Some(i)
                    }
                }
                Err(e) => bad(span, e),
            },
            "option" | "elector" => {
                let DeValue::Array(items) = v else {
                    bad(
                        span,
                        tomlv::mismatch(k, &format!("an array of tables ([[{k}]])"), v),
                    );
                    continue;
                };
                for item in items.iter() {
                    let DeValue::Table(it) = item.get_ref() else {
                        bad(item.span(), tomlv::mismatch(k, "a table", item.get_ref()));
                        continue;
                    };
                    if k == "option" {
                        if let Some(o) = read_option(it, item.span(), bad) {
                            options.push((o, item.span()));
                        }
                    } else if let Some(e) = read_elector(it, item.span(), bad) {
                        electors.push((e, item.span()));
                    }
                }
            }
            "rules" => match v {
                DeValue::Table(r) => rules = read_rules(r, span, bad),
                _ => bad(span, tomlv::mismatch(k, "a table", v)),
            },
            "closed" => match v {
                DeValue::Table(c) => {
                    closed_span = Some(key.span());
                    closed = read_closed(c, span, bad);
                }
                _ => bad(span, tomlv::mismatch(k, "a table", v)),
            },
            other => bad(
                key.span(),
                format!("unknown field `{other}` in a decision record"),
            ),
        }
    }
    let mut missing = |what: &str| {
        bad(
            0..0,
            format!("{file} has no `{what}`: a decision record is written whole by `council open`"),
        )
    };
    let (Some(decision), Some(opened), Some(closes), Some(opened_by), Some((process, rules))) =
        (decision, opened, closes, opened_by, rules)
    else {
        for (f, present) in [
            ("decision", t.contains_key("decision")),
            ("opened", t.contains_key("opened")),
            ("closes", t.contains_key("closes")),
            ("opened-by", t.contains_key("opened-by")),
            ("rules", t.contains_key("rules")),
        ] {
            if !present {
                missing(f);
            }
        }
        return None;
    };
    let span_of = |k: &str| t.get(k).map_or(0..0, |v| v.span());
    if decision != name {
        bad(
            span_of("decision"),
            format!("`decision = \"{decision}\"` but the file is named for `{name}`"),
        );
    }
    if closes <= opened {
        bad(
            span_of("closes"),
            "the window closes before it opens".into(),
        );
    }
    if options.is_empty() {
        bad(
            0..0,
            "a decision record names at least one [[option]]".into(),
        );
    }
    if electors.is_empty() {
        bad(
            0..0,
            "a decision record names at least one [[elector]]".into(),
        );
    }
    let mut ids = std::collections::BTreeSet::new();
    if let Some((o, span)) = options.iter().find(|(o, _)| !ids.insert(o.id)) {
        bad(span.clone(), format!("option {} is listed twice", o.id));
    }
    let mut names = std::collections::BTreeSet::new();
    if let Some((e, span)) = electors.iter().find(|(e, _)| !names.insert(e.id.clone())) {
        bad(span.clone(), format!("elector `{}` is listed twice", e.id));
    }
    let options: Vec<RecordOption> = options.into_iter().map(|(o, _)| o).collect();
    let electors: Vec<Elector> = electors.into_iter().map(|(e, _)| e).collect();
    if let Some(c) = &closed {
        let valid: std::collections::BTreeSet<String> = options
            .iter()
            .map(RecordOption::name)
            .chain([crate::model::ballot::NONE.to_owned()])
            .collect();
        if c.winners
            .iter()
            .chain(c.casting.iter())
            .any(|w| !valid.contains(w))
            || c.outcome.keys().any(|k| !valid.contains(k) || k == "none")
        {
            bad(
                span_of("closed"),
                "`[closed]` names an option that is not in the record".into(),
            );
        }
    }
    Some(Record {
        file: file.to_owned(),
        source: String::new(),
        decision,
        opened,
        closes,
        opened_by,
        chair,
        options,
        electors,
        process,
        rules,
        closed,
        closed_span,
    })
}

fn instant(k: &str, v: &DeValue<'_>) -> Result<DateTime<FixedOffset>, String> {
    match v {
        DeValue::Datetime(d) if d.time.is_some() => tomlv::as_instant(d)
            .ok_or_else(|| format!("`{k}` must be a date-time with an offset, found `{d}`")),
        _ => Err(tomlv::mismatch(
            k,
            "a date-time such as 2026-12-01T00:00:00Z",
            v,
        )),
    }
}

fn read_option(t: &DeTable<'_>, span: Range<usize>, bad: Bad<'_>) -> Option<RecordOption> {
    let mut id = None;
    let mut id_span = span.start..span.start;
    let mut file = None;
    let mut text = None;
    let mut kind = None;
    let mut majority = None;
    for (key, value) in t {
        let (k, v, vs) = (key.get_ref().as_ref(), value.get_ref(), value.span());
        match k {
            "id" => match tomlv::as_int(v) {
                Some(Ok(n)) if n >= 1 && n <= i64::from(u32::MAX) => {
                    id = Some(n as u32);
                    id_span = vs;
                }
                _ => bad(
                    vs,
                    "`option.id` must be a proposal id (an integer from 1)".into(),
                ),
            },
            "file" => match tomlv::as_str(v) {
                Some(s) if is_proposal_path(s) => file = Some(s.to_owned()),
                _ => bad(
                    vs,
                    "`option.file` must be a path such as \"proposals/0007-slug.md\"".into(),
                ),
            },
            "text" => match tomlv::as_str(v) {
                Some(s) if s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    text = Some(s.to_ascii_lowercase())
                }
                _ => bad(
                    vs,
                    "`option.text` must be a git blob id (40 hex digits)".into(),
                ),
            },
            "type" => match tomlv::as_str(v).and_then(|s| s.parse::<Type>().ok()) {
                Some(t) => kind = Some(t),
                None => bad(
                    vs,
                    "`option.type` must be standards, process or informational".into(),
                ),
            },
            "majority" => match tomlv::as_str(v).and_then(Ratio::parse) {
                Some(r) => majority = Some(r),
                None => bad(
                    vs,
                    "`option.majority` must be a ratio such as \"2:1\"".into(),
                ),
            },
            other => bad(key.span(), format!("unknown field `option.{other}`")),
        }
    }
    match (id, file, text, kind, majority) {
        (Some(id), Some(file), Some(text), Some(kind), Some(majority)) => Some(RecordOption {
            id,
            file,
            text,
            kind,
            majority,
            span: id_span,
        }),
        _ => {
            bad(
                span.start..span.start,
                "an [[option]] needs id, file, text, type and majority".into(),
            );
            None
        }
    }
}

/// `proposals/NAME.md` with no further folders.
fn is_proposal_path(s: &str) -> bool {
    s.strip_prefix("proposals/")
        .is_some_and(|n| n.ends_with(".md") && !n.contains('/') && !n.starts_with('.'))
}

fn read_elector(t: &DeTable<'_>, span: Range<usize>, bad: Bad<'_>) -> Option<Elector> {
    let mut id = None;
    let mut email = None;
    let mut key = None;
    for (k, value) in t {
        let (name, v, vs) = (k.get_ref().as_ref(), value.get_ref(), value.span());
        let Some(s) = tomlv::as_str(v) else {
            bad(
                vs,
                tomlv::mismatch(&format!("elector.{name}"), "a string", v),
            );
            continue;
        };
        match name {
            "id" => id = Some(s.to_owned()),
            "email" => email = Some(s.to_owned()),
            "key" => key = Some(s.to_owned()),
            other => bad(k.span(), format!("unknown field `elector.{other}`")),
        }
    }
    match (id, email) {
        (Some(id), Some(email)) => Some(Elector { id, email, key }),
        _ => {
            bad(
                span.start..span.start,
                "an [[elector]] needs id and email".into(),
            );
            None
        }
    }
}

fn read_rules(t: &DeTable<'_>, span: Range<usize>, bad: Bad<'_>) -> Option<(u32, Rules)> {
    let mut rules = Rules::default();
    let mut process = None;
    for (key, value) in t {
        let (k, v, vs) = (key.get_ref().as_ref(), value.get_ref(), value.span());
        match k {
            "process" | "quorum" => match tomlv::as_int(v) {
                Some(Ok(n)) if n >= 0 && n <= i64::from(u32::MAX) => {
                    if k == "process" {
                        process = Some(n as u32);
                    } else {
                        rules.quorum = n as u32;
                    }
                }
                _ => bad(vs, format!("`rules.{k}` must be a non-negative integer")),
            },
            "min-ballots" => match (tomlv::as_int(v), tomlv::as_str(v)) {
                (Some(Ok(n)), _) if n >= 0 && n <= i64::from(u32::MAX) => {
                    rules.min_ballots = MinBallots::Count(n as u32)
                }
                (_, Some("majority")) => rules.min_ballots = MinBallots::Majority,
                (_, Some("all")) => rules.min_ballots = MinBallots::All,
                _ => bad(
                    vs,
                    "`rules.min-ballots` must be an integer, \"majority\" or \"all\"".into(),
                ),
            },
            "close-early" | "concerns-block" => match v {
                DeValue::Boolean(b) => {
                    if k == "close-early" {
                        rules.close_early = *b
                    } else {
                        rules.concerns_block = *b
                    }
                }
                _ => bad(vs, tomlv::mismatch(&format!("rules.{k}"), "a boolean", v)),
            },
            "method" => {
                if tomlv::as_str(v) != Some("schulze") {
                    bad(vs, "the only method is \"schulze\"".into());
                }
            }
            other => bad(
                key.span(),
                format!("unknown field `rules.{other}` in a record"),
            ),
        }
    }
    match process {
        Some(p) => Some((p, rules)),
        None => {
            bad(
                span,
                "the record's [rules] name the `process` document they came from".into(),
            );
            None
        }
    }
}

fn read_closed(t: &DeTable<'_>, span: Range<usize>, bad: Bad<'_>) -> Option<Closed> {
    let mut at = None;
    let mut state = None;
    let mut winners = None;
    let mut casting = None;
    let mut outcome = None;
    for (key, value) in t {
        let (k, v, vs) = (key.get_ref().as_ref(), value.get_ref(), value.span());
        match k {
            "at" => match instant("closed.at", v) {
                Ok(i) => at = Some(i),
                Err(e) => bad(vs, e),
            },
            "state" => match tomlv::as_str(v).and_then(State::parse) {
                Some(s) => state = Some(s),
                None => bad(
                    vs,
                    "`closed.state` must be decided, tie, inquorate, blocked or open".into(),
                ),
            },
            "winners" => match string_list(v) {
                Some(l) => winners = Some(l),
                None => bad(
                    vs,
                    tomlv::mismatch("closed.winners", "an array of strings", v),
                ),
            },
            "casting" => match tomlv::as_str(v) {
                Some(s) => casting = Some(s.to_owned()),
                None => bad(vs, tomlv::mismatch("closed.casting", "a string", v)),
            },
            "outcome" => {
                let DeValue::Table(o) = v else {
                    bad(vs, tomlv::mismatch("closed.outcome", "a table", v));
                    continue;
                };
                let mut m = BTreeMap::new();
                for (ok, ov) in o {
                    match tomlv::as_str(ov.get_ref()).and_then(|s| s.parse::<Status>().ok()) {
                        Some(st @ (Status::Accepted | Status::Rejected)) => {
                            m.insert(ok.get_ref().to_string(), st);
                        }
                        _ => bad(
                            ov.span(),
                            "an outcome is \"Accepted\" or \"Rejected\"".into(),
                        ),
                    }
                }
                outcome = Some(m);
            }
            other => bad(key.span(), format!("unknown field `closed.{other}`")),
        }
    }
    match (at, state, winners, outcome) {
        (Some(at), Some(state), Some(winners), Some(outcome)) => Some(Closed {
            at,
            state,
            winners,
            casting,
            outcome,
        }),
        _ => {
            bad(
                span,
                "`[closed]` needs at, state, winners and outcome".into(),
            );
            None
        }
    }
}

fn string_list(v: &DeValue<'_>) -> Option<Vec<String>> {
    match v {
        DeValue::Array(a) => a
            .iter()
            .map(|x| tomlv::as_str(x.get_ref()).map(str::to_owned))
            .collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Record {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        Record {
            file: path("lockfile"),
            source: String::new(),
            decision: "lockfile".into(),
            opened: at("2026-12-01T00:00:00Z"),
            closes: at("2026-12-15T00:00:00Z"),
            opened_by: "ada".into(),
            chair: Some("ada".into()),
            options: vec![RecordOption {
                id: 3,
                file: "proposals/0003-lockfile.md".into(),
                text: "9f2c4e1d0b7a9f2c4e1d0b7a9f2c4e1d0b7a0000".into(),
                kind: Type::Process,
                majority: Ratio { n: 2, d: 1 },
                span: 0..0,
            }],
            electors: vec![Elector {
                id: "ada".into(),
                email: "ada@example.org".into(),
                key: Some("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA ada".into()),
            }],
            process: 1,
            rules: Rules::default(),
            closed: None,
            closed_span: None,
        }
    }

    #[test]
    fn render_then_parse_round_trips() {
        let r = sample();
        let text = r.render();
        let (back, d) = Record::parse(&r.file, "lockfile", text.clone());
        assert!(d.is_empty(), "{d:?}\n{text}");
        let back = back.unwrap();
        assert_eq!(back.terms(), r.terms());
        let closed = Closed {
            at: r.closes,
            state: State::Decided,
            winners: vec!["0003".into()],
            casting: None,
            outcome: [("0003".to_owned(), Status::Accepted)].into(),
        };
        let text = text + &Record::render_closed(&closed);
        let (back, d) = Record::parse(&r.file, "lockfile", text);
        assert!(d.is_empty(), "{d:?}");
        let back = back.unwrap();
        assert_eq!(back.closed, Some(closed));
        assert_eq!(back.terms(), r.terms());
    }

    #[test]
    fn problems_point_at_the_value() {
        let text = sample()
            .render()
            .replace("majority = \"2:1\"", "majority = \"2-1\"");
        let (rec, d) = Record::parse("decisions/lockfile.toml", "lockfile", text);
        assert!(rec.is_none());
        assert_eq!(d[0].rule, "invalid-record");
        assert!(d[0].message.contains("ratio"), "{d:?}");
        assert!(d[0].line > 1);
    }

    #[test]
    fn the_name_must_match_the_file() {
        let (rec, d) = Record::parse("decisions/other.toml", "other", sample().render());
        assert!(rec.is_none());
        assert!(d[0].message.contains("named for `other`"), "{d:?}");
    }
}
