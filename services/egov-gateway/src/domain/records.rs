//! The records of the state registers the gateway stands in for.

use chrono::NaiveDate;
use kz_ids::Iin;

/// Citizenship or the kandas status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Citizenship {
    /// A citizen of Kazakhstan.
    Kazakhstan,
    /// A kandas.
    Kandas,
    /// A foreigner.
    Foreign,
    /// A stateless person.
    Stateless,
}

/// The stable codes stored for each citizenship.
impl Citizenship {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Citizenship::Kazakhstan => "KAZAKHSTAN",
            Citizenship::Kandas => "KANDAS",
            Citizenship::Foreign => "FOREIGN",
            Citizenship::Stateless => "STATELESS",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Citizenship::Kazakhstan, Citizenship::Kandas, Citizenship::Foreign, Citizenship::Stateless]
            .into_iter()
            .find(|c| c.code() == code)
    }
}

/// A settlement (KATO-like code).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Settlement {
    /// The nine-digit code.
    pub kato: String,
    /// The name in Kazakh.
    pub name_kk: String,
    /// The name in Russian.
    pub name_ru: String,
    /// The region in Kazakh.
    pub region_kk: String,
}

/// A person of the population register.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Person {
    /// The IIN.
    pub iin: Iin,
    /// Surname.
    pub last_name: String,
    /// Given name.
    pub first_name: String,
    /// Patronymic; empty when none.
    pub patronymic: String,
    /// Citizenship.
    pub citizenship: Citizenship,
    /// Mobile phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Date of death.
    pub death_date: Option<NaiveDate>,
}

/// An identity document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdentityDocument {
    /// Whose.
    pub iin: Iin,
    /// `ID_CARD`, `PASSPORT`, `BIRTH_CERTIFICATE`, `RESIDENCE_PERMIT`.
    pub kind: String,
    /// The number.
    pub number: String,
    /// Issued on.
    pub issued_on: NaiveDate,
    /// Valid until.
    pub valid_until: NaiveDate,
    /// The issuer.
    pub issuer: String,
}

/// A registered address over a period.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AddressPeriod {
    /// Whose.
    pub iin: Iin,
    /// The settlement.
    pub kato: String,
    /// Street.
    pub street: String,
    /// Building.
    pub building: String,
    /// Apartment; empty for a house.
    pub apartment: String,
    /// Since.
    pub from: NaiveDate,
    /// Until; `None` for the current one.
    pub to: Option<NaiveDate>,
}

/// The kind of an act record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CivilRecordKind {
    /// A marriage.
    Marriage,
    /// A divorce.
    Divorce,
    /// A birth.
    Birth,
    /// A death.
    Death,
}

/// A person's part in an act record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartyRole {
    /// A spouse.
    Spouse,
    /// The child born.
    Child,
    /// A parent.
    Parent,
    /// The deceased.
    Deceased,
}

macro_rules! codes {
    ($ty:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        impl $ty {
            /// The stored code.
            pub fn code(self) -> &'static str {
                match self { $($ty::$variant => $code),+ }
            }

            /// Reads a stored code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($ty::$variant),)+ _ => None }
            }
        }
    };
}

codes!(CivilRecordKind { Marriage = "MARRIAGE", Divorce = "DIVORCE", Birth = "BIRTH", Death = "DEATH" });
codes!(PartyRole { Spouse = "SPOUSE", Child = "CHILD", Parent = "PARENT", Deceased = "DECEASED" });
codes!(FundKind { Communal = "COMMUNAL", CommunalEntity = "COMMUNAL_ENTITY", RepublicanEntity = "REPUBLICAN_ENTITY" });
codes!(TenancyDocument { Agreement = "AGREEMENT", Warrant = "WARRANT" });
codes!(CourtDecisionKind {
    FamilyRecognition = "FAMILY_RECOGNITION",
    ActivityBan = "ACTIVITY_BAN",
    SpecialRightDeprivation = "SPECIAL_RIGHT_DEPRIVATION",
});

/// An act record of civil status.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CivilRecord {
    /// The act record number.
    pub record_number: String,
    /// The kind.
    pub kind: CivilRecordKind,
    /// The date of the event.
    pub event_date: NaiveDate,
    /// The date of state registration [A-CUTOFF-DATE].
    pub registered_on: NaiveDate,
    /// The people it names.
    pub parties: Vec<(Iin, PartyRole)>,
}

/// A dwelling of the real-estate register.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dwelling {
    /// The cadastral number.
    pub cadastral_number: String,
    /// The settlement.
    pub kato: String,
    /// The address as one line.
    pub address_line: String,
    /// Living area in tenths of a square metre.
    pub area_decimetres: i64,
    /// Recognized as in emergency condition since.
    pub emergency_since: Option<NaiveDate>,
}

/// An ownership of a dwelling over a period.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ownership {
    /// The dwelling.
    pub cadastral_number: String,
    /// The owner.
    pub iin: Iin,
    /// Acquired on.
    pub acquired_on: NaiveDate,
    /// Alienated on.
    pub alienated_on: Option<NaiveDate>,
    /// The buyer's IIN or BIN.
    pub buyer_id: Option<String>,
    /// Whether the buyer was a local executive body.
    pub buyer_is_local_executive_body: bool,
}

/// The state housing fund of a dwelling (RULES.md 3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FundKind {
    /// The communal housing fund.
    Communal,
    /// A communal state institution's or enterprise's fund.
    CommunalEntity,
    /// A republican state institution's or enterprise's fund.
    RepublicanEntity,
}

/// The document of a state-fund tenancy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TenancyDocument {
    /// A tenancy agreement.
    Agreement,
    /// A housing warrant.
    Warrant,
}

/// An akimat's record of a state-fund tenancy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tenancy {
    /// The tenant.
    pub iin: Iin,
    /// The dwelling in the akimat's records.
    pub dwelling_id: String,
    /// The settlement.
    pub kato: String,
    /// The fund.
    pub fund_kind: FundKind,
    /// The document.
    pub document: TenancyDocument,
    /// Its number.
    pub document_number: String,
    /// Rent owed, in tiyn.
    pub arrears_tiyn: i64,
}

/// The kind of a court decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CourtDecisionKind {
    /// Recognizes family members.
    FamilyRecognition,
    /// Bans an activity.
    ActivityBan,
    /// Deprives a special right.
    SpecialRightDeprivation,
}

/// A court decision in legal force.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CourtDecision {
    /// The case number.
    pub case_number: String,
    /// About whom.
    pub iin: Iin,
    /// The kind.
    pub kind: CourtDecisionKind,
    /// In force from.
    pub in_force_from: NaiveDate,
    /// In force until.
    pub in_force_until: Option<NaiveDate>,
    /// The people recognized as family members.
    pub recognized: Vec<Iin>,
}

/// A membership of a social group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SocialGroup {
    /// Whose.
    pub iin: Iin,
    /// The group's code.
    pub code: String,
    /// Since.
    pub since: NaiveDate,
    /// Until.
    pub until: Option<NaiveDate>,
}

/// The groups whose record means the register holds orphan data ([A-ORPHAN]).
pub const ORPHAN_GROUPS: &[&str] = &["ORPHAN", "WITHOUT_PARENTAL_CARE"];

/// A period of employment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Employment {
    /// Whose.
    pub iin: Iin,
    /// The category's code.
    pub category: String,
    /// The employer's BIN.
    pub employer_bin: String,
    /// Since.
    pub since: NaiveDate,
    /// Until.
    pub until: Option<NaiveDate>,
}

/// Income in a month.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MonthlyIncome {
    /// Whose.
    pub iin: Iin,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// In tiyn.
    pub amount_tiyn: i64,
}

/// Records to put into the registers, all kinds together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Records {
    /// Settlements.
    pub settlements: Vec<Settlement>,
    /// People.
    pub persons: Vec<Person>,
    /// Identity documents.
    pub documents: Vec<IdentityDocument>,
    /// Addresses.
    pub addresses: Vec<AddressPeriod>,
    /// Act records.
    pub civil_records: Vec<CivilRecord>,
    /// Dwellings.
    pub dwellings: Vec<Dwelling>,
    /// Ownerships.
    pub ownerships: Vec<Ownership>,
    /// Tenancies.
    pub tenancies: Vec<Tenancy>,
    /// Court decisions.
    pub court_decisions: Vec<CourtDecision>,
    /// Social groups.
    pub social_groups: Vec<SocialGroup>,
    /// Employment.
    pub employments: Vec<Employment>,
    /// Income.
    pub incomes: Vec<MonthlyIncome>,
    /// Consents: (person, purpose).
    pub consents: Vec<(Iin, String)>,
}

/// The purposes a consent is given for: the services that process the data (Personal Data Law
/// Art. 8; [A-RESTRICTED]).
pub const CONSENT_PURPOSES: &[&str] = &["privatization", "registry", "rent-subsidy", "complaints"];

impl Records {
    /// Moves every record of `other` after this one's.
    pub fn append(&mut self, mut other: Records) {
        self.settlements.append(&mut other.settlements);
        self.persons.append(&mut other.persons);
        self.documents.append(&mut other.documents);
        self.addresses.append(&mut other.addresses);
        self.civil_records.append(&mut other.civil_records);
        self.dwellings.append(&mut other.dwellings);
        self.ownerships.append(&mut other.ownerships);
        self.tenancies.append(&mut other.tenancies);
        self.court_decisions.append(&mut other.court_decisions);
        self.social_groups.append(&mut other.social_groups);
        self.employments.append(&mut other.employments);
        self.incomes.append(&mut other.incomes);
        self.consents.append(&mut other.consents);
    }

    /// How many records of every kind.
    pub fn len(&self) -> usize {
        self.settlements.len()
            + self.persons.len()
            + self.documents.len()
            + self.addresses.len()
            + self.civil_records.len()
            + self.dwellings.len()
            + self.ownerships.len()
            + self.tenancies.len()
            + self.court_decisions.len()
            + self.social_groups.len()
            + self.employments.len()
            + self.incomes.len()
            + self.consents.len()
    }

    /// Whether there is nothing to put.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The first day of the five years that end on `as_of`: the look-back of "owned no dwelling
/// in Kazakhstan during the last five years" (Annex 2 row 4(1)) and of deliberate worsening
/// ([A-5Y]).
pub fn five_years_before(as_of: NaiveDate) -> NaiveDate {
    as_of.checked_sub_months(chrono::Months::new(60)).unwrap_or(as_of)
}
