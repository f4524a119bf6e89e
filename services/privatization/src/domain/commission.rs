//! The housing commission's decision (Annex 1 row 10): to privatize, at the price it set, or a
//! motivated refusal on one of the two grounds the commission itself may cite.

use super::Ground;

/// What the commission decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commission {
    /// To privatize at `price` tiyn ([A-PRICE]: the price is the commission's, recorded, not
    /// computed), gratuitously or not ([A-P11]).
    Privatize { price: i64, gratuitous: bool },
    /// A motivated refusal on a ground of row 10(1)-(2).
    Refuse(Ground),
}

/// Why a commission's decision as entered cannot stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// A price below zero.
    NegativePrice,
    /// No price, and the privatization is not gratuitous ([A-PRICE]).
    PriceRequired,
    /// A refusal on a ground the commission may not cite.
    NotTheCommissionsGround,
}

/// The grounds the commission itself may cite: row 10(1), unreliable documents, and row 10(2),
/// the applicant or the documents not conforming to the requirements. The others are found at
/// intake.
pub const COMMISSION_GROUNDS: [Ground; 2] = [Ground::UnreliableDocuments, Ground::Nonconforming];

impl Commission {
    /// The decision as the commission entered it: `approve` with `price` tiyn and `gratuitous`,
    /// or a refusal on the ground coded `refusal_code`.
    pub fn entered(approve: bool, price: i64, gratuitous: bool, refusal_code: &str) -> Result<Self, Invalid> {
        if approve {
            return match price {
                p if p < 0 => Err(Invalid::NegativePrice),
                0 if !gratuitous => Err(Invalid::PriceRequired),
                price => Ok(Commission::Privatize { price, gratuitous }),
            };
        }
        use law::RefusalGround as _;
        match Ground::parse(refusal_code.trim()) {
            Some(g) if COMMISSION_GROUNDS.contains(&g) => Ok(Commission::Refuse(g)),
            _ => Err(Invalid::NotTheCommissionsGround),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annex_1_row_10_the_commission_refuses_only_on_rows_10_1_and_10_2() {
        assert_eq!(
            Commission::entered(false, 0, false, "UNRELIABLE_DOCUMENTS"),
            Ok(Commission::Refuse(COMMISSION_GROUNDS[0]))
        );
        assert_eq!(
            Commission::entered(false, 0, false, " NONCONFORMING "),
            Ok(Commission::Refuse(Ground::Nonconforming))
        );
        for other in law_grounds_outside_the_commission() {
            assert_eq!(Commission::entered(false, 0, false, other), Err(Invalid::NotTheCommissionsGround), "{other}");
        }
    }

    fn law_grounds_outside_the_commission() -> Vec<&'static str> {
        use law::RefusalGround as _;
        let mut codes: Vec<&'static str> =
            Ground::ALL.iter().filter(|g| !COMMISSION_GROUNDS.contains(g)).map(|g| g.code()).collect();
        codes.push("");
        codes
    }

    #[test]
    fn a_decision_to_privatize_carries_the_commission_s_price_a_price_unless_gratuitous_a_p11() {
        assert_eq!(
            Commission::entered(true, 1_500_000, false, ""),
            Ok(Commission::Privatize { price: 1_500_000, gratuitous: false })
        );
        assert_eq!(Commission::entered(true, 0, true, ""), Ok(Commission::Privatize { price: 0, gratuitous: true }));
        assert_eq!(Commission::entered(true, 0, false, ""), Err(Invalid::PriceRequired));
        assert_eq!(Commission::entered(true, -1, true, ""), Err(Invalid::NegativePrice));
    }
}
