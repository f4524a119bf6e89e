//! The landlord's account (Annex 3: the subsidy is paid to the landlord, RULES.md G-S2): a
//! Kazakh IBAN, `KZ`, two check digits and 16 letters or digits (the bank's three-digit code and
//! the account), checked by ISO 13616's mod-97 rule, so a mistyped account is refused at the door.

/// The length of a Kazakh IBAN.
pub const KZ_IBAN_LENGTH: usize = 20;

/// The IBAN as written (spaces allowed, any case), checked; answers it compact and upper-case.
pub fn checked(text: &str) -> Result<String, &'static str> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let iban = compact.to_uppercase();
    if iban.len() != KZ_IBAN_LENGTH || !iban.starts_with("KZ") {
        return Err("a Kazakh IBAN: KZ and 18 more letters or digits, 20 in all");
    }
    if !iban.chars().all(|c| c.is_ascii_alphanumeric()) || !iban[2..4].chars().all(|c| c.is_ascii_digit()) {
        return Err("letters and digits only, two check digits after KZ");
    }
    // ISO 13616: the first four characters moved to the end, letters as 10..35, mod 97 is 1.
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let mut remainder = 0u32;
    for c in rearranged {
        let value = c.to_digit(36).unwrap_or(0);
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    if remainder == 1 { Ok(iban) } else { Err("the check digits do not match the account (ISO 13616 mod 97)") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kazakh_iban_is_checked_by_mod_97() {
        assert_eq!(checked("kz86 125K ZT50 0410 0100"), Ok("KZ86125KZT5004100100".to_owned()));
        assert!(checked("KZ86125KZT5004100101").is_err(), "one digit off");
        assert!(checked("KZ86125KZT500410010").is_err(), "too short");
        assert!(checked("DE89370400440532013000").is_err(), "not Kazakh");
        assert!(checked("KZ8612-KZT5004100100").is_err(), "not alphanumeric");
    }
}
