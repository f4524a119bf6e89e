//! A service standard (the annexes of order No. 76) as data: numbered rows, each a heading and its
//! items, every text in Kazakh, Russian and English.

/// A text in Kazakh, Russian and English.
pub type Text = crate::ground::Texts;

/// One row of a standard.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// 1 to 11.
    pub number: i32,
    /// The heading.
    pub heading: Text,
    /// The sub-items in order (the grounds' row takes its items from the grounds themselves).
    pub items: &'static [Text],
}

/// The row of every standard that lists the grounds for refusal (row 10 of Annexes 1 to 3).
pub const GROUNDS_ROW: i32 = 10;
