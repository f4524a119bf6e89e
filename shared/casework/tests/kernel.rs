//! A fifth kind of case, built only for this test, run through the case kernel alone: what a
//! new housing service writes is its stages, its `CaseKind`, its row and the SQL of its own
//! columns; filing, stage changes with their reports and audit rows, findings, documents, the
//! reads (one case, lists, the overdue, the history, the watch) are the kernel's.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use casework::case::{Case, CaseKind, enter_stage};
use casework::findings::FindingRow;
use casework::history::{BindDeadline as _, Deadline, insert_event};
use casework::listing::Field;
use casework::reads::{overdue_page, visible, visible_page};
use chrono::{DateTime, Utc};
use platform::store::{Command, Db, StoreSpec, WriteTx};
use platform::testing::{TestDb, backends};
use platform::{ApiError, Clock, Principal, Subsystem, on_backend};
use sqlx::migrate::Migrator;
use tokio_stream::StreamExt;

/// A parcel of land asked for: filed, checked, then granted or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ParcelStage {
    Filed,
    Checking,
    Granted,
    Refused,
}

impl law::Stage for ParcelStage {
    const ALL: &'static [ParcelStage] =
        &[ParcelStage::Filed, ParcelStage::Checking, ParcelStage::Granted, ParcelStage::Refused];

    fn code(self) -> &'static str {
        match self {
            ParcelStage::Filed => "FILED",
            ParcelStage::Checking => "CHECKING",
            ParcelStage::Granted => "GRANTED",
            ParcelStage::Refused => "REFUSED",
        }
    }

    fn is_closed(self) -> bool {
        matches!(self, ParcelStage::Granted | ParcelStage::Refused)
    }

    fn may_follow(self, from: ParcelStage) -> bool {
        matches!(
            (from, self),
            (ParcelStage::Filed, ParcelStage::Checking)
                | (ParcelStage::Checking, ParcelStage::Granted | ParcelStage::Refused)
        )
    }
}

impl TryFrom<String> for ParcelStage {
    type Error = law::stage::UnknownCode;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        <ParcelStage as law::Stage>::parse(&code)
    }
}

struct Parcels;

impl CaseKind for Parcels {
    const SERVICE: &'static str = "parcels";
    const COLLECTION: &'static str = "parcels/applications";
    type Stage = ParcelStage;
    const FILTER: &'static [Field] = &[Field::stage::<ParcelStage>(), Field::any("applicant_iin")];
    const SCOPED_BY: [&'static str; 2] = ["applicant_iin", "district"];
    const NOUN: &'static str = "application";
    type Row = ParcelRow;
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ParcelRow {
    id: i64,
    applicant_iin: String,
    district: String,
    #[sqlx(try_from = "String")]
    stage: ParcelStage,
    #[sqlx(flatten)]
    deadline: Deadline,
}

impl casework::rows::CaseRow for ParcelRow {
    fn id(&self) -> i64 {
        self.id
    }

    const COLUMNS: &'static str = "id, applicant_iin, district, stage, deadline_term, deadline_unit, \
        deadline_counted_from, deadline_counted_from_at, deadline_due_date, deadline_due_at, deadline_clause, \
        deadline_calendar_version";

    fn holder(&self) -> casework::access::Case<'_> {
        casework::access::Case { applicant: &self.applicant_iin, representative: None, jurisdiction: &self.district }
    }
}

impl ParcelRow {
    fn case(&self) -> Case<Parcels> {
        Case::new(self.id, &self.applicant_iin, "PORTAL", self.stage)
    }
}

// The kind's migrations take both ways a case kind's database gets the kernel's tables. On
// SQLite its first migration, committed before the kernel kept tables of its own and unchanged
// since (as every committed migration stays), makes them itself, as the four services' do, and
// the kernel's migration finds them there; on PostgreSQL it makes only its `applications` table,
// as a new kind would, and the kernel's migration makes the rest.
static SQLITE: Migrator = sqlx::migrate!("./tests/migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./tests/migrations/postgres");

const SPEC: StoreSpec = StoreSpec {
    service: "parcels",
    subsystem: Subsystem::Registry,
    sqlite: &SQLITE,
    postgres: &POSTGRES,
    closed_stages: || law::stage::closed_codes::<ParcelStage>(),
    shared: &[casework::CASE_TABLES],
};

const ALIYA: &str = "900101400123";
const BOLAT: &str = "850202300456";

fn deadline(at: DateTime<Utc>, due_at: DateTime<Utc>) -> Deadline {
    Deadline {
        term: 5,
        unit: "WORKING_DAYS".into(),
        counted_from: "APPLICATION_FILED".into(),
        counted_from_at: at,
        due_date: due_at.date_naive().to_string(),
        due_at,
        clause: "a test kind's term".into(),
        calendar_version: "test".into(),
    }
}

/// The kind's own SQL: the row with its first stage and that event, as a service's store files.
async fn file(tx: &mut WriteTx, iin: &str, district: &str, deadline: &Deadline) -> Result<i64, ApiError> {
    let now = tx.now();
    let d = deadline;
    let id: i64 = on_backend!(tx.conn(), |c| sqlx::query_scalar(
        "INSERT INTO applications (applicant_iin, district, stage, received_at, deadline_term, deadline_unit, \
         deadline_counted_from, deadline_counted_from_at, deadline_due_date, deadline_due_at, deadline_clause, \
         deadline_calendar_version, last_sequence, updated_at) \
         VALUES ($1, $2, 'FILED', $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $3) RETURNING id"
    )
    .bind(iin)
    .bind(district)
    .bind(now)
    .bind_deadline(d)
    .fetch_one(c)
    .await)
    .map_err(platform::store::store_error)?;
    insert_event(tx, id, 1, "FILED", "filed on the portal", Some(deadline)).await?;
    // The first stage is written with the row; its report and audit row are the kernel's.
    let case = Case::<Parcels>::new(id, iin, "PORTAL", ParcelStage::Filed);
    casework::case::report_stage(tx, &case, ParcelStage::Filed, now).await?;
    tx.audit(&case.name(), "filed").await?;
    Ok(id)
}

fn person(iin: &str) -> Principal {
    Principal { subsystem: Subsystem::EgovPortal, official: None, user_iin: Some(iin.into()), representative: None }
}

#[tokio::test]
async fn a_kind_of_its_own_files_moves_lists_and_watches_its_cases_through_the_kernel() {
    for kind in backends().await {
        let t = TestDb::new(SPEC, kind).await;
        through_the_kernel(&t.db, &t.clock).await;
        t.cleanup().await;
    }
}

async fn through_the_kernel(db: &Db, clock: &Clock) {
    let now = clock.now();
    let (past, future) = (now - chrono::Duration::days(2), now + chrono::Duration::days(7));

    // Filed: Aliya's parcel already past its term, Bolat's within it.
    let mut ids = Vec::new();
    for (iin, due) in [(ALIYA, past), (BOLAT, future)] {
        let d = deadline(now, due);
        db.transact::<(), _>(Command::new(person(iin), "/test.v1.Parcels/File"), move |tx| {
            Box::pin(async move {
                let id = file(tx, iin, "ALMATY-BOSTANDYK", &d).await?;
                let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest([1u8]));
                casework::documents::keep(tx, id, &[("PLAN".into(), "application/pdf".into(), sha256, vec![1])]).await
            })
        })
        .await
        .unwrap();
        ids.push(casework::reads::visible_page::<Parcels>(db, &person(iin), "", 0, "").await.unwrap().0[0]);
    }
    let aliya = ids[0];

    // A stage change writes the event, the monitoring report and the audit row together; one the
    // kind does not allow is refused and writes nothing.
    let found = FindingRow {
        code: "NO_PLAN_APPROVAL".into(),
        ground: Some("NO_PLAN_APPROVAL".into()),
        source: "official".into(),
        person_iin: ALIYA.into(),
        occurred_on: None,
        detail: "the district plan shows no plot".into(),
    };
    let moved = db
        .transact::<(), _>(Command::new(Principal::dev(), "/test.v1.Parcels/Check"), move |tx| {
            Box::pin(async move {
                let row: ParcelRow = casework::rows::one_in(tx, aliya).await?.unwrap();
                let mut case = row.case();
                assert!(enter_stage(tx, &mut case, ParcelStage::Granted, "skips a stage", None, "x").await.is_err());
                enter_stage(tx, &mut case, ParcelStage::Checking, "checked by the district", None, "checking").await?;
                casework::findings::add(tx, aliya, &[found]).await?;
                casework::rows::set_text(tx, aliya, "refusal_code", Some("NO_PLAN_APPROVAL")).await?;
                enter_stage(tx, &mut case, ParcelStage::Refused, "no plot on the plan", None, "refused").await?;
                Ok(())
            })
        })
        .await;
    assert!(moved.is_ok(), "{moved:?}");

    // One case: its owner sees it at its stage; another person is answered as if it were missing.
    let row = visible::<Parcels>(db, &person(ALIYA), "parcels/applications/1", "name").await.unwrap();
    assert_eq!(row.stage, ParcelStage::Refused);
    assert_eq!(row.deadline.due_at.timestamp(), past.timestamp(), "the stage kept its deadline");
    let refused = visible::<Parcels>(db, &person(BOLAT), "parcels/applications/1", "name").await.unwrap_err();
    assert_eq!(refused.reason(), "APPLICATION_NOT_FOUND");

    // Lists: filtered by the kind's stages, scoped to the caller; the overdue list skips the
    // closed case (Aliya's, refused) and the one within its term (Bolat's).
    let (listed, _) = visible_page::<Parcels>(db, &Principal::dev(), "stage=REFUSED", 0, "").await.unwrap();
    assert_eq!(listed, vec![aliya]);
    let (mine, _) = visible_page::<Parcels>(db, &person(BOLAT), "", 0, "").await.unwrap();
    assert_eq!(mine, vec![ids[1]]);
    assert!(visible_page::<Parcels>(db, &Principal::dev(), "stage=LOST", 0, "").await.is_err());
    assert!(overdue_page::<ParcelStage>(db, now, 0, "").await.unwrap().0.is_empty());

    // The history, page by page, and the watch from its start.
    let (first, next) = casework::history::events_page(db, aliya, 2, "").await.unwrap();
    let stages: Vec<_> = first.iter().map(|e| e.stage.clone()).collect();
    assert_eq!(stages, ["FILED", "CHECKING"]);
    let (rest, _) = casework::history::events_page(db, aliya, 2, &next).await.unwrap();
    assert_eq!(rest[0].stage, "REFUSED");
    let (_, shutdown) = tokio::sync::watch::channel(false);
    let wrap: fn(proto::housing::common::v1::StageEvent) -> String = |e| e.stage;
    let mut watch =
        casework::watch::stream_after(db.clone(), aliya, 0, Arc::default(), shutdown.clone(), wrap).unwrap();
    let mut watched = Vec::new();
    for _ in 0..3 {
        watched.push(watch.next().await.unwrap().unwrap());
    }
    assert_eq!(watched, ["FILED", "CHECKING", "REFUSED"]);
    assert!(casework::watch::stream_after(db.clone(), aliya, -1, Arc::default(), shutdown, wrap).is_err());

    // What the kernel kept beside the row.
    assert_eq!(casework::findings::of(db, aliya).await.unwrap()[0].code, "NO_PLAN_APPROVAL");
    assert_eq!(casework::documents::kinds(db, aliya).await.unwrap(), ["PLAN"]);

    // A document is read whole by whoever may see the case, each read audited; others are
    // answered as if it were missing.
    let plan = "parcels/applications/1/documents/0";
    let read = casework::documents::read::<Parcels>(db, &person(ALIYA), plan, "/test.v1.Parcels/GetDocument").await;
    assert_eq!(read.unwrap().content, [1]);
    let refused = casework::documents::read::<Parcels>(db, &person(BOLAT), plan, "/test.v1.Parcels/GetDocument").await;
    assert_eq!(refused.unwrap_err().reason(), "APPLICATION_NOT_FOUND");
    let missing = "parcels/applications/1/documents/7";
    let none = casework::documents::read::<Parcels>(db, &person(ALIYA), missing, "/test.v1.Parcels/GetDocument").await;
    assert_eq!(none.unwrap_err().reason(), "DOCUMENT_NOT_FOUND");
    let audited: i64 = on_backend!(db.reader(), |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit WHERE subject = $1 AND action = '/test.v1.Parcels/GetDocument'"
    )
    .bind(plan)
    .fetch_one(c)
    .await
    .unwrap());
    assert_eq!(audited, 1, "the one read that was served is audited");
}
