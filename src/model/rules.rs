//! The council's rules: the `[rules]` table of the process document (SPEC section 4).

use std::collections::BTreeMap;
use std::fmt;

use toml::de::{DeTable, DeValue};

use super::status::Type;
use super::tomlv::{self, Sp};

/// How many ballots a decision needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinBallots {
    Count(u32),
    Majority,
    All,
}

impl MinBallots {
    /// The number of ballots needed when `base` delegates did not recuse.
    pub fn required(self, base: usize) -> usize {
        match self {
            MinBallots::Count(n) => n as usize,
            MinBallots::Majority => base / 2 + 1,
            MinBallots::All => base,
        }
    }
}

impl fmt::Display for MinBallots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MinBallots::Count(n) => write!(f, "{n}"),
            MinBallots::Majority => f.write_str("majority"),
            MinBallots::All => f.write_str("all"),
        }
    }
}

/// A supermajority ratio `N:D`: A survives when V(A,none) * D >= N * V(none,A).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    pub n: u64,
    pub d: u64,
}

impl Ratio {
    pub const SIMPLE: Ratio = Ratio { n: 1, d: 1 };

    /// Whether an option with `for_` ballots above none and `against` below survives this
    /// majority: `for_ * D >= N * against` (in u128: no ratio overflows) and `for_ > against`.
    pub fn passes(self, for_: u64, against: u64) -> bool {
        u128::from(for_) * u128::from(self.d) >= u128::from(self.n) * u128::from(against)
            && for_ > against
    }

    /// The share of the ballots (for and against) an option needs: N / (N + D).
    pub fn share(self) -> f64 {
        self.n as f64 / (self.n as f64 + self.d as f64)
    }

    pub fn parse(s: &str) -> Option<Ratio> {
        let (n, d) = s.split_once(':')?;
        let n: u64 = n.trim().parse().ok()?;
        let d: u64 = d.trim().parse().ok()?;
        (n >= 1 && d >= 1).then_some(Ratio { n, d })
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.n, self.d)
    }
}

/// The rules in force, every field defaulted as SPEC section 4 says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    pub quorum: u32,
    pub min_ballots: MinBallots,
    pub voting_days: u32,
    pub close_early: bool,
    pub concerns_block: bool,
    /// Whether only the chair may open a vote (`open-by = "chair"`).
    pub open_by_chair: bool,
    pub majority: BTreeMap<Type, Ratio>,
    pub sections: BTreeMap<Type, Vec<String>>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            quorum: 0,
            min_ballots: MinBallots::Majority,
            voting_days: 14,
            close_early: true,
            concerns_block: true,
            open_by_chair: false,
            majority: Type::ALL.into_iter().map(|t| (t, Ratio::SIMPLE)).collect(),
            sections: BTreeMap::new(),
        }
    }
}

impl Rules {
    pub fn majority_for(&self, kind: Type) -> Ratio {
        self.majority.get(&kind).copied().unwrap_or(Ratio::SIMPLE)
    }

    /// The required `##` sections for a type, in order.
    pub fn sections_for(&self, kind: Type) -> Vec<String> {
        match self.sections.get(&kind) {
            Some(s) => s.clone(),
            None => kind
                .default_sections()
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }

    /// Reads a `[rules]` table; problems come back as (message, absolute span).
    pub fn parse(table: &DeTable<'_>, base: usize) -> (Rules, Vec<Sp<String>>) {
        let mut rules = Rules::default();
        let mut problems = Vec::new();
        let mut bad = |msg: String, span: std::ops::Range<usize>| {
            problems.push(Sp::new(msg, tomlv::shift(span, base)));
        };
        for (key, value) in table {
            let k = key.get_ref().as_ref();
            let v = value.get_ref();
            let span = value.span();
            let full = format!("rules.{k}");
            match k {
                "method" => match tomlv::as_str(v) {
                    Some("schulze") => {}
                    Some(other) => bad(
                        format!("unknown method `{other}`: the only method is \"schulze\""),
                        span,
                    ),
                    None => bad(tomlv::mismatch(&full, "a string", v), span),
                },
                "quorum" | "voting-days" => match tomlv::as_int(v) {
                    Some(Ok(n)) if n >= 0 && n <= i64::from(u32::MAX) => {
                        let n = n as u32;
                        if k == "quorum" {
                            rules.quorum = n;
                        } else if !(1..=365).contains(&n) {
                            bad("`rules.voting-days` must be from 1 to 365".into(), span);
                        } else {
                            rules.voting_days = n;
                        }
                    }
                    Some(_) => bad(format!("`{full}` must be a non-negative integer"), span),
                    None => bad(tomlv::mismatch(&full, "an integer", v), span),
                },
                "min-ballots" => match (tomlv::as_int(v), tomlv::as_str(v)) {
                    (Some(Ok(n)), _) if n >= 0 && n <= i64::from(u32::MAX) => {
                        rules.min_ballots = MinBallots::Count(n as u32);
                    }
                    (_, Some("majority")) => rules.min_ballots = MinBallots::Majority,
                    (_, Some("all")) => rules.min_ballots = MinBallots::All,
                    _ => bad(
                        "`rules.min-ballots` must be a non-negative integer, \"majority\" or \"all\""
                            .into(),
                        span,
                    ),
                },
                "close-early" | "concerns-block" => match v {
                    DeValue::Boolean(b) => {
                        if k == "close-early" {
                            rules.close_early = *b;
                        } else {
                            rules.concerns_block = *b;
                        }
                    }
                    _ => bad(tomlv::mismatch(&full, "a boolean", v), span),
                },
                "open-by" => match tomlv::as_str(v) {
                    Some("delegates") => rules.open_by_chair = false,
                    Some("chair") => rules.open_by_chair = true,
                    _ => bad(
                        "`rules.open-by` must be \"delegates\" or \"chair\"".into(),
                        span,
                    ),
                },
                "majority" => match v {
                    DeValue::Table(t) => {
                        for (tk, tv) in t {
                            let Ok(kind) = tk.get_ref().parse::<Type>() else {
                                bad(
                                    format!(
                                        "`rules.majority.{}`: unknown type (standards, process or informational)",
                                        tk.get_ref()
                                    ),
                                    tk.span(),
                                );
                                continue;
                            };
                            match tomlv::as_str(tv.get_ref()).and_then(Ratio::parse) {
                                Some(r) => {
                                    rules.majority.insert(kind, r);
                                }
                                None => bad(
                                    format!(
                                        "`rules.majority.{kind}` must be a ratio such as \"1:1\" or \"3:1\""
                                    ),
                                    tv.span(),
                                ),
                            }
                        }
                    }
                    _ => bad(tomlv::mismatch(&full, "a table", v), span),
                },
                "sections" => match v {
                    DeValue::Table(t) => {
                        for (tk, tv) in t {
                            let Ok(kind) = tk.get_ref().parse::<Type>() else {
                                bad(
                                    format!("`rules.sections.{}`: unknown type", tk.get_ref()),
                                    tk.span(),
                                );
                                continue;
                            };
                            let list = match tv.get_ref() {
                                DeValue::Array(a) => a
                                    .iter()
                                    .map(|x| tomlv::as_str(x.get_ref()).map(str::to_owned))
                                    .collect::<Option<Vec<_>>>(),
                                _ => None,
                            };
                            match list {
                                Some(list) => {
                                    rules.sections.insert(kind, list);
                                }
                                None => bad(
                                    format!(
                                        "`rules.sections.{kind}` must be an array of section titles"
                                    ),
                                    tv.span(),
                                ),
                            }
                        }
                    }
                    _ => bad(tomlv::mismatch(&full, "a table", v), span),
                },
                other => bad(format!("unknown rule `rules.{other}`"), key.span()),
            }
        }
        (rules, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let src = "quorum = 2\nmin-ballots = \"all\"\n[majority]\nprocess = \"2:1\"\n";
        let t = DeTable::parse(src).unwrap();
        let (r, problems) = Rules::parse(t.get_ref(), 0);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(r.quorum, 2);
        assert_eq!(r.min_ballots, MinBallots::All);
        assert_eq!(r.majority_for(Type::Process), Ratio { n: 2, d: 1 });
        assert_eq!(r.majority_for(Type::Standards), Ratio::SIMPLE);
        assert_eq!(r.voting_days, 14);
    }

    #[test]
    fn bad_values_point_at_the_value() {
        let src = "quorum = \"x\"\n";
        let t = DeTable::parse(src).unwrap();
        let (_, problems) = Rules::parse(t.get_ref(), 100);
        assert_eq!(problems[0].span, 109..112);
    }

    #[test]
    fn majority_of_delegates() {
        assert_eq!(MinBallots::Majority.required(4), 3);
        assert_eq!(MinBallots::Majority.required(5), 3);
        assert_eq!(MinBallots::All.required(5), 5);
    }
}
