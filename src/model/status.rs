//! Proposal statuses, types and the transition table of SPEC section 2.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Draft,
    Discussion,
    Voting,
    Accepted,
    Rejected,
    Withdrawn,
    Deferred,
    Final,
    Active,
    Superseded,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Draft,
        Status::Discussion,
        Status::Voting,
        Status::Accepted,
        Status::Rejected,
        Status::Withdrawn,
        Status::Deferred,
        Status::Final,
        Status::Active,
        Status::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::Discussion => "Discussion",
            Status::Voting => "Voting",
            Status::Accepted => "Accepted",
            Status::Rejected => "Rejected",
            Status::Withdrawn => "Withdrawn",
            Status::Deferred => "Deferred",
            Status::Final => "Final",
            Status::Active => "Active",
            Status::Superseded => "Superseded",
        }
    }

    /// The statuses a proposal of type `kind` may move to from `self`.
    pub fn successors(self, kind: Type) -> &'static [Status] {
        use Status::*;
        match self {
            Draft => &[Discussion, Withdrawn, Deferred],
            Discussion => &[Draft, Voting, Withdrawn, Deferred],
            Voting => &[Accepted, Rejected, Discussion],
            Deferred => &[Draft, Discussion],
            Accepted if kind != Type::Standards => &[Final, Superseded, Active],
            Accepted => &[Final, Superseded],
            Final | Active => &[Superseded],
            Rejected | Withdrawn | Superseded => &[],
        }
    }

    pub fn can_move_to(self, to: Status, kind: Type) -> bool {
        self.successors(kind).contains(&to)
    }

    /// Whether `discussions-to` is required: from Discussion on.
    pub fn needs_discussion(self) -> bool {
        !matches!(self, Status::Draft | Status::Withdrawn | Status::Deferred)
    }

    /// From Final on, a proposal must point to its working prototype.
    pub fn needs_implementation(self) -> bool {
        matches!(self, Status::Final)
    }

    /// Statuses that record a decision.
    pub fn is_decided(self) -> bool {
        matches!(self, Status::Accepted | Status::Rejected | Status::Active)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                let close = Status::ALL
                    .into_iter()
                    .find(|st| st.as_str().eq_ignore_ascii_case(s));
                match close {
                    Some(st) => format!("unknown status `{s}`: did you mean `{st}`?"),
                    None => format!(
                        "unknown status `{s}`: expected one of {}",
                        Status::ALL.map(|s| s.as_str()).join(", ")
                    ),
                }
            })
    }
}

/// A proposal's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    Standards,
    Process,
    Informational,
}

impl Type {
    pub const ALL: [Type; 3] = [Type::Standards, Type::Process, Type::Informational];

    pub fn as_str(self) -> &'static str {
        match self {
            Type::Standards => "standards",
            Type::Process => "process",
            Type::Informational => "informational",
        }
    }

    /// The required `##` sections by default (SPEC section 2).
    pub fn default_sections(self) -> &'static [&'static str] {
        match self {
            Type::Standards => &[
                "Abstract",
                "Motivation",
                "Rationale",
                "Specification",
                "Backwards Compatibility",
                "Security Implications",
                "Reference Implementation",
                "Rejected Ideas",
            ],
            Type::Process | Type::Informational => &["Abstract", "Motivation", "Specification"],
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Type {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Type::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                format!("unknown type `{s}`: expected standards, process or informational")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transition_table_matches_spec() {
        use Status::*;
        assert!(Draft.can_move_to(Discussion, Type::Standards));
        assert!(!Draft.can_move_to(Voting, Type::Standards));
        assert!(Voting.can_move_to(Discussion, Type::Standards));
        assert!(Accepted.can_move_to(Active, Type::Process));
        assert!(!Accepted.can_move_to(Active, Type::Standards));
        assert!(Accepted.can_move_to(Active, Type::Informational));
        assert!(Superseded.successors(Type::Process).is_empty());
    }

    #[test]
    fn parse_suggests_the_right_case() {
        assert_eq!("Voting".parse::<Status>(), Ok(Status::Voting));
        let err = "voting".parse::<Status>().unwrap_err();
        assert!(err.contains("did you mean `Voting`"), "{err}");
    }
}
