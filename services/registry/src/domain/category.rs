//! Waiting-list categories as data [A-QUEUE], [Q-11]: each is confirmed by the social groups
//! the gateway holds (RULES.md 10.3 G-R2, Housing Relations Law Art. 68 as quoted there).
//! The full list and the priority between lists are open questions; a lawyer's answer
//! changes this table only.

/// A waiting-list category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    /// The stable code an application names.
    pub code: &'static str,
    /// The social groups any one of which confirms it; empty: confirmed by citizenship alone.
    pub groups: &'static [&'static str],
    /// The name in Kazakh, Russian and English.
    pub name: [&'static str; 3],
}

/// The categories.
pub const CATEGORIES: &[Category] = &[
    Category {
        code: "GENERAL",
        groups: &[],
        name: [
            "Тұрғын үйге мұқтаж азаматтардың жалпы тізімі",
            "Общий список нуждающихся в жилище",
            "General list of persons in need of housing",
        ],
    },
    Category {
        code: "WAR_VETERANS",
        groups: &["GPW_VETERAN", "VETERAN_EQUATED", "COMBAT_VETERAN"],
        name: ["Соғыс ардагерлері", "Ветераны войны и боевых действий", "War and combat veterans"],
    },
    Category {
        code: "DISABLED_GROUP_1_2",
        groups: &["DISABILITY_GROUP_1", "DISABILITY_GROUP_2"],
        name: [
            "1 және 2-топтағы мүгедектігі бар адамдар",
            "Лица с инвалидностью 1 и 2 групп",
            "Persons with disabilities of groups 1 and 2",
        ],
    },
    Category {
        code: "FAMILIES_WITH_DISABLED_CHILDREN",
        groups: &["FAMILY_WITH_DISABLED_CHILD"],
        name: [
            "Мүгедектігі бар балалары бар отбасылар",
            "Семьи, имеющие детей с инвалидностью",
            "Families with children with disabilities",
        ],
    },
    Category {
        code: "SEVERE_CHRONIC_DISEASE",
        groups: &["SEVERE_CHRONIC_DISEASE"],
        name: [
            "Созылмалы аурулардың ауыр түрлері бар адамдар",
            "Лица с тяжёлыми формами хронических заболеваний",
            "Persons with severe chronic diseases",
        ],
    },
    Category {
        code: "AGE_PENSIONERS",
        groups: &["AGE_PENSIONER"],
        name: ["Жасы бойынша зейнеткерлер", "Пенсионеры по возрасту", "Age pensioners"],
    },
    Category {
        code: "ORPHANS",
        groups: &["ORPHAN", "WITHOUT_PARENTAL_CARE"],
        name: [
            "Жетім балалар және ата-анасының қамқорлығынсыз қалған балалар",
            "Дети-сироты и дети, оставшиеся без попечения родителей",
            "Orphans and children left without parental care",
        ],
    },
    Category { code: "KANDAS", groups: &["KANDAS"], name: ["Қандастар", "Кандасы", "Kandas"] },
    Category {
        code: "LARGE_FAMILIES",
        groups: &["LARGE_FAMILY", "MOTHER_HEROINE"],
        name: ["Көпбалалы отбасылар", "Многодетные семьи", "Large families"],
    },
    Category {
        code: "WIDOWED", groups: &["WIDOWED"], name: ["Жесірлер", "Вдовы и вдовцы", "Widows and widowers"]
    },
];

/// The category with `code`.
pub fn find(code: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.code == code)
}

/// A stored list, decoded when its row is read.
impl TryFrom<String> for &'static Category {
    type Error = law::UnknownCode;
    fn try_from(code: String) -> Result<&'static Category, law::UnknownCode> {
        find(&code).ok_or_else(|| law::UnknownCode::new("list", &code))
    }
}

impl Category {
    /// Whether the groups a household holds confirm the category.
    pub fn confirmed_by<'g>(&self, held: impl IntoIterator<Item = &'g str>) -> bool {
        self.groups.is_empty() || held.into_iter().any(|g| self.groups.contains(&g))
    }

    /// Whether uploaded row 9(3) documents stand in for the gateway's confirmation: the orphans'
    /// list in the case whose data the state systems lack (Annex 2 row 4(3)); the official
    /// reviews them.
    pub fn proven_by_documents(&self) -> bool {
        self.code == "ORPHANS"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_categories_are_confirmed_by_any_of_their_groups() {
        let c = find("DISABLED_GROUP_1_2").unwrap();
        assert!(c.confirmed_by(["DISABILITY_GROUP_2"]));
        assert!(!c.confirmed_by(["DISABILITY_GROUP_3"]));
        assert!(find("GENERAL").unwrap().confirmed_by([]));
        assert!(find("SOCIALLY_VULNERABLE").is_none());
    }

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = CATEGORIES.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CATEGORIES.len());
    }
}
