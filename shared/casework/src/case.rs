//! The case kernel: what a kind of case is (its service, its resource names, its typed
//! stages) and the one way a case changes stage. A stage change is always three records in
//! the change's transaction: the event in the case's history (with the deadline the stage
//! carries), the stage report to the monitoring system (SR cl. 26, [A-MON]) and the audit
//! row. [`enter_stage`] writes the three together, so no stage can skip its report, and
//! refuses a change the kind does not allow.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use law::Stage;
use platform::ApiError;
use platform::store::WriteTx;

use crate::history::{Deadline, record_stage};
use crate::reporting::{StageData, stage_report};

/// A kind of case the suite keeps: one per housing service, and the complaints.
pub trait CaseKind: Send + Sync + 'static {
    /// The service that keeps the cases, as monitoring reports name it (`registry`).
    const SERVICE: &'static str;
    /// The collection of its resource names (`registry/applications`).
    const COLLECTION: &'static str;
    /// Its stages.
    type Stage: Stage;
    /// The fields a list of its cases may be filtered by.
    const FILTER: &'static [crate::listing::Field];
    /// The columns that tie a case to a person and to an office's jurisdiction: a person lists
    /// their own cases, an official those of their jurisdiction (`casework::access::scope`).
    const SCOPED_BY: [&'static str; 2];
    /// What one case is called in answers and logs (`application`, `complaint`).
    const NOUN: &'static str;
    /// Its stored row.
    type Row: crate::rows::CaseRow;

    /// The resource name of case `id` (opaque where the deployment keys its names).
    fn name(id: i64) -> String {
        platform::names::name(Self::COLLECTION, id)
    }

    /// The answer for a case that is not there, or that the caller may not see (the two are
    /// answered alike): `APPLICATION_NOT_FOUND`, `COMPLAINT_NOT_FOUND`.
    fn not_found(id: i64) -> ApiError {
        let reason = format!("{}_NOT_FOUND", Self::NOUN.to_ascii_uppercase());
        ApiError::not_found(reason, format!("no {} {}", Self::NOUN, Self::name(id))).meta("name", Self::name(id))
    }
}

/// One case as a stage change sees it: which it is, whose it is, where it was filed and
/// where it stands.
#[derive(Debug, Clone)]
pub struct Case<K: CaseKind> {
    /// The row id.
    pub id: i64,
    /// The person the case is about, whose reports are filed under them.
    pub person: String,
    /// The channel it came through, as monitoring reports name it.
    pub channel: String,
    /// Its stage now.
    pub stage: K::Stage,
    /// Where it is decided (a settlement's KATO code, a reviewing body), as monitoring groups it.
    pub place: String,
    /// The day its current stage is due, `YYYY-MM-DD` (empty when the stage has no term).
    pub due_date: String,
    /// The refusal ground it is refused on, when it is.
    pub ground: Option<String>,
    kind: PhantomData<K>,
}

impl<K: CaseKind> Case<K> {
    /// Case `id` of `person`, filed through `channel`, now at `stage`.
    pub fn new(id: i64, person: &str, channel: &str, stage: K::Stage) -> Self {
        Case {
            id,
            person: person.to_owned(),
            channel: channel.to_owned(),
            stage,
            place: String::new(),
            due_date: String::new(),
            ground: None,
            kind: PhantomData,
        }
    }

    /// The case decided at `place`, its current stage due on `due_date`.
    pub fn placed(mut self, place: &str, due_date: &str) -> Self {
        place.clone_into(&mut self.place);
        due_date.clone_into(&mut self.due_date);
        self
    }

    /// The case refused on `ground` (its code), which its result's report carries.
    pub fn refused_on(mut self, ground: &str) -> Self {
        self.ground = Some(ground.to_owned());
        self
    }

    /// Its resource name.
    pub fn name(&self) -> String {
        K::name(self.id)
    }
}

/// Moves `case` to `stage`: the event with `reason` (and the new `deadline`, if the stage
/// carries one), the stage report and the audit row `audit`, in `tx`. A change the kind does
/// not allow is a defect of the caller, answered as an internal error before anything is
/// written. Answers the event's sequence number and leaves `case` at its new stage.
pub async fn enter_stage<K: CaseKind>(
    tx: &mut WriteTx,
    case: &mut Case<K>,
    stage: K::Stage,
    reason: &str,
    deadline: Option<&Deadline>,
    audit: &str,
) -> Result<i64, ApiError> {
    if !stage.may_follow(case.stage) {
        return Err(ApiError::internal(format!(
            "{} may not move from {} to {}",
            case.name(),
            case.stage.code(),
            stage.code()
        )));
    }
    let sequence = record_stage(tx, case.id, stage.code(), reason, deadline).await?;
    let at = tx.now();
    // The new stage's term, or the one it inherits: for a result, the day it was due by.
    if let Some(d) = deadline {
        case.due_date.clone_from(&d.due_date);
    }
    report_stage(tx, case, stage, at).await?;
    tx.audit(&case.name(), audit).await?;
    case.stage = stage;
    Ok(sequence)
}

/// A case just filed, at the first stage its row and first event were written with: its
/// monitoring report at `at` (SR cl. 26) and its audit row `audit`, in the filing's change.
pub async fn filed<K: CaseKind>(
    tx: &mut WriteTx,
    case: &Case<K>,
    at: DateTime<Utc>,
    audit: &str,
) -> Result<(), ApiError> {
    report_stage(tx, case, case.stage, at).await?;
    tx.audit(&case.name(), audit).await
}

/// The monitoring report of `case` entering `stage` at `at`: for the first stage, whose event
/// is written with the case itself, and for the stage changes above.
pub async fn report_stage<K: CaseKind>(
    tx: &mut WriteTx,
    case: &Case<K>,
    stage: K::Stage,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let closed = stage.is_closed();
    let report = StageData {
        service: K::SERVICE,
        channel: &case.channel,
        case: &case.name(),
        user: &case.person,
        stage: stage.code(),
        at,
        place: &case.place,
        due_date: &case.due_date,
        result: if closed { stage.code() } else { "" },
        ground: if closed { case.ground.as_deref().unwrap_or_default() } else { "" },
    };
    tx.enqueue(stage_report(&report)).await.map(|_| ())
}
