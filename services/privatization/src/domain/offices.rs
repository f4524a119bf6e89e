//! The State Corporation's offices as data (Annex 1 row 8(2)): regular offices 9:00-18:00
//! Monday to Friday without a lunch break; duty departments 9:00-20:00 Monday to Friday and
//! 9:00-13:00 on Saturdays; all closed on holidays and transferred days off ([A-SC-HOLIDAYS]).

use calendar::Channel;

/// An office.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Office {
    /// Its code.
    pub id: &'static str,
    /// Its settlement.
    pub kato: &'static str,
    /// Whether it is a duty department serving the public.
    pub duty: bool,
}

impl Office {
    /// The channel its hours are.
    pub fn channel(&self) -> Channel {
        if self.duty { Channel::STATE_CORPORATION_DUTY } else { Channel::STATE_CORPORATION_OFFICE }
    }
}

/// The offices the suite knows.
pub const OFFICES: &[Office] = &[
    Office { id: "SC-ASTANA-1", kato: "711210000", duty: false },
    Office { id: "SC-ASTANA-DUTY", kato: "711210000", duty: true },
    Office { id: "SC-ALMATY-1", kato: "751110000", duty: false },
    Office { id: "SC-ALMATY-DUTY", kato: "751110000", duty: true },
    Office { id: "SC-SHYMKENT-1", kato: "791010000", duty: false },
];

/// The office with `id`.
pub fn find(id: &str) -> Option<&'static Office> {
    OFFICES.iter().find(|o| o.id == id)
}
