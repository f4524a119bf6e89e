//! One masking of personal data for everything shown to others or written down: published lists,
//! log lines and span attributes show a person as `880101******` (the date of birth kept) and
//! `Асель Б.`, never whole.

/// An IIN as others may see it on a published list: the date of birth kept, the rest hidden
/// (`880101******`).
pub fn mask_iin(iin: &str) -> String {
    let kept: String = iin.chars().take(6).collect();
    format!("{kept}{}", "*".repeat(iin.chars().count().saturating_sub(6)))
}

/// A name as others may see it: the first name and the last name's initial (`Асель Б.`).
pub fn mask_name(first: &str, last: &str) -> String {
    match last.chars().next() {
        Some(initial) => format!("{} {initial}.", first.trim()),
        None => first.trim().to_owned(),
    }
}
