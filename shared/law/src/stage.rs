//! The stages of a case kind as a type: every stored or sent stage is one of its values, never
//! a loose string. A stage has a stable code (stored in the database and carried by events and
//! monitoring reports), is closed or not (a closed stage waits for nothing: its deadline no
//! longer runs), and may follow only the stages its kind allows.

use std::fmt;

/// A case kind's stages.
pub trait Stage: Copy + Eq + fmt::Debug + Send + Sync + 'static {
    /// Every stage.
    const ALL: &'static [Self];

    /// The stable code, such as `UNDER_REVIEW`.
    fn code(self) -> &'static str;

    /// Whether the case waits for nothing in this stage.
    fn is_closed(self) -> bool;

    /// Whether a case may enter this stage from `from`.
    fn may_follow(self, from: Self) -> bool;

    /// The stage with `code`.
    fn parse(code: &str) -> Result<Self, UnknownCode> {
        Self::ALL.iter().copied().find(|s| s.code() == code).ok_or_else(|| UnknownCode::new("stage", code))
    }

    /// Whether the case still waits for something.
    fn is_open(self) -> bool {
        !self.is_closed()
    }
}

/// The codes of `S`'s closed stages.
pub fn closed_codes<S: Stage>() -> Vec<&'static str> {
    S::ALL.iter().filter(|s| s.is_closed()).map(|s| s.code()).collect()
}

/// The codes of all of `S`'s stages.
pub fn codes<S: Stage>() -> Vec<&'static str> {
    S::ALL.iter().map(|s| s.code()).collect()
}

/// A code that names nothing of its kind (a stored value written by another version, or a
/// caller's typo): a stage, a case, a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    /// What the code should name (`stage`).
    pub of: &'static str,
    /// The code.
    pub code: String,
}

impl UnknownCode {
    /// `code` names no `of`.
    pub fn new(of: &'static str, code: &str) -> Self {
        UnknownCode { of, code: code.to_owned() }
    }
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no {} is coded {:?}", self.of, self.code)
    }
}

impl std::error::Error for UnknownCode {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Door {
        Open,
        Shut,
    }

    impl Stage for Door {
        const ALL: &'static [Door] = &[Door::Open, Door::Shut];
        fn code(self) -> &'static str {
            match self {
                Door::Open => "OPEN",
                Door::Shut => "SHUT",
            }
        }
        fn is_closed(self) -> bool {
            self == Door::Shut
        }
        fn may_follow(self, from: Door) -> bool {
            self != from
        }
    }

    #[test]
    fn stages_parse_by_code_and_name_their_closed_ones() {
        assert_eq!(Door::parse("SHUT"), Ok(Door::Shut));
        assert_eq!(Door::parse("AJAR"), Err(UnknownCode::new("stage", "AJAR")));
        assert_eq!(Door::parse("AJAR").unwrap_err().to_string(), "no stage is coded \"AJAR\"");
        assert_eq!(closed_codes::<Door>(), ["SHUT"]);
        assert_eq!(codes::<Door>(), ["OPEN", "SHUT"]);
        assert!(Door::Open.is_open() && Door::Shut.may_follow(Door::Open) && !Door::Open.may_follow(Door::Open));
    }
}
