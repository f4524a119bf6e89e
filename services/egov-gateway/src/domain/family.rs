//! The family as the act records establish it: a spouse of a marriage not dissolved by a later
//! divorce, the children and parents of birth records, siblings through a shared parent, and
//! grandparents through the parents' own birth records. A relation with no record behind it is
//! unknown to the state systems, and the gateway does not invent it (a service may then ask the
//! applicant for a copy: Annex 1 row 9(2)).

use kz_ids::Iin;

use super::records::{CivilRecord, CivilRecordKind, PartyRole};

/// How a member is related to the person asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// The spouse of a marriage not dissolved.
    Spouse,
    /// A child.
    Child,
    /// A parent.
    Parent,
    /// A brother or sister.
    Sibling,
    /// A grandparent.
    Grandparent,
}

fn parties(record: &CivilRecord, role: PartyRole) -> impl Iterator<Item = Iin> + '_ {
    record.parties.iter().filter(move |(_, r)| *r == role).map(|(iin, _)| *iin)
}

fn names(record: &CivilRecord, iin: Iin, role: PartyRole) -> bool {
    record.parties.iter().any(|(p, r)| *p == iin && *r == role)
}

/// The parents of `person` by the birth records among `records`.
pub fn parents_of(person: Iin, records: &[CivilRecord]) -> Vec<Iin> {
    let mut parents: Vec<Iin> = records
        .iter()
        .filter(|r| r.kind == CivilRecordKind::Birth && names(r, person, PartyRole::Child))
        .flat_map(|r| parties(r, PartyRole::Parent))
        .collect();
    parents.dedup();
    parents
}

/// The family of `person` from the records naming them (`own`) and the records naming their
/// parents (`parents_records`), each member once, in the order spouse, children, parents,
/// siblings, grandparents.
pub fn derive(person: Iin, own: &[CivilRecord], parents_records: &[CivilRecord]) -> Vec<(Iin, Relation)> {
    let mut members: Vec<(Iin, Relation)> = Vec::new();
    let mut add = |iin: Iin, relation: Relation| {
        if iin != person && !members.iter().any(|(m, _)| *m == iin) {
            members.push((iin, relation));
        }
    };

    let mut marriages: Vec<&CivilRecord> =
        own.iter().filter(|r| r.kind == CivilRecordKind::Marriage && names(r, person, PartyRole::Spouse)).collect();
    marriages.sort_by_key(|r| r.event_date);
    let spouse = marriages.iter().rev().find_map(|marriage| {
        let spouse = parties(marriage, PartyRole::Spouse).find(|p| *p != person)?;
        let dissolved = own.iter().any(|r| {
            r.kind == CivilRecordKind::Divorce
                && r.event_date >= marriage.event_date
                && names(r, person, PartyRole::Spouse)
                && names(r, spouse, PartyRole::Spouse)
        });
        (!dissolved).then_some(spouse)
    });
    if let Some(spouse) = spouse {
        add(spouse, Relation::Spouse);
    }
    for record in own.iter().filter(|r| r.kind == CivilRecordKind::Birth && names(r, person, PartyRole::Parent)) {
        for child in parties(record, PartyRole::Child) {
            add(child, Relation::Child);
        }
    }
    let parents = parents_of(person, own);
    for parent in &parents {
        add(*parent, Relation::Parent);
    }
    for record in parents_records.iter().filter(|r| r.kind == CivilRecordKind::Birth) {
        if parents.iter().any(|p| names(record, *p, PartyRole::Parent)) {
            for sibling in parties(record, PartyRole::Child) {
                add(sibling, Relation::Sibling);
            }
        }
    }
    for record in parents_records.iter().filter(|r| r.kind == CivilRecordKind::Birth) {
        if parents.iter().any(|p| names(record, *p, PartyRole::Child)) {
            for grandparent in parties(record, PartyRole::Parent) {
                add(grandparent, Relation::Grandparent);
            }
        }
    }
    members
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use kz_ids::Sex;

    fn person(born: &str, serial: u16) -> Iin {
        Iin::generate_from(born.parse().unwrap(), Sex::Male, serial).unwrap()
    }

    fn record(number: &str, kind: CivilRecordKind, date: &str, parties: &[(Iin, PartyRole)]) -> CivilRecord {
        let date: NaiveDate = date.parse().unwrap();
        CivilRecord {
            record_number: number.into(),
            kind,
            event_date: date,
            registered_on: date,
            parties: parties.to_vec(),
        }
    }

    #[test]
    fn a_family_of_three_generations() {
        let (me, wife, son, father, mother, brother, grandpa) = (
            person("1980-01-01", 1),
            person("1982-02-02", 2),
            person("2010-03-03", 3),
            person("1955-04-04", 4),
            person("1957-05-05", 5),
            person("1984-06-06", 6),
            person("1930-07-07", 7),
        );
        use CivilRecordKind::*;
        use PartyRole::*;
        let my_birth = record("b1", Birth, "1980-01-01", &[(me, Child), (father, Parent), (mother, Parent)]);
        let own = vec![
            my_birth.clone(),
            record("m1", Marriage, "2009-05-05", &[(me, Spouse), (wife, Spouse)]),
            record("b2", Birth, "2010-03-03", &[(son, Child), (me, Parent), (wife, Parent)]),
        ];
        let parents_records = vec![
            my_birth,
            record("b3", Birth, "1984-06-06", &[(brother, Child), (father, Parent), (mother, Parent)]),
            record("b4", Birth, "1955-04-04", &[(father, Child), (grandpa, Parent)]),
        ];
        let family = derive(me, &own, &parents_records);
        assert_eq!(
            family,
            vec![
                (wife, Relation::Spouse),
                (son, Relation::Child),
                (father, Relation::Parent),
                (mother, Relation::Parent),
                (brother, Relation::Sibling),
                (grandpa, Relation::Grandparent),
            ]
        );
    }

    #[test]
    fn a_divorce_dissolves_the_marriage_before_it_but_not_a_later_one() {
        let (me, first, second) = (person("1980-01-01", 1), person("1981-01-01", 2), person("1983-01-01", 3));
        use CivilRecordKind::*;
        use PartyRole::*;
        let divorced = vec![
            record("m1", Marriage, "2009-01-01", &[(me, Spouse), (first, Spouse)]),
            record("d1", Divorce, "2012-01-01", &[(me, Spouse), (first, Spouse)]),
        ];
        assert!(derive(me, &divorced, &[]).is_empty());
        let mut remarried = divorced;
        remarried.push(record("m2", Marriage, "2015-01-01", &[(me, Spouse), (second, Spouse)]));
        assert_eq!(derive(me, &remarried, &[]), vec![(second, Relation::Spouse)]);
    }
}
