//! Reopening a refused case after an upheld complaint (DESIGN.md "Cases, deadlines and
//! evidence"; PR cl. 14; SR cl. 33): the case must stand refused; its refusal is cleared and it
//! enters the kind's reconsideration stage with a new deadline, its history kept. The premise
//! (the complaint upheld and about this case) is checked before, at the complaints service
//! (`premise::upheld_complaint`).

use clients::ComplaintsClient;
use law::Stage as _;
use platform::ApiError;
use platform::store::{Db, WriteTx};

use crate::case::{Case, CaseKind, enter_stage};
use crate::history::Deadline;

/// A kind whose refused cases may be reopened.
pub trait Reopens: CaseKind {
    /// The stage of a refused case.
    const REFUSED: Self::Stage;
    /// The stage a reopened case enters.
    const RECONSIDERATION: Self::Stage;

    /// The case a row is, as the kernel changes its stage.
    fn case(row: &Self::Row) -> Case<Self>
    where
        Self: Sized;
}

/// Case `id` of kind `K`, read inside the change, if it stands refused.
pub async fn refused<K: Reopens>(tx: &mut WriteTx, id: i64) -> Result<(K::Row, Case<K>), ApiError> {
    let row: K::Row = crate::rows::one_in(tx, id).await?.ok_or_else(|| K::not_found(id))?;
    let case = K::case(&row);
    if case.stage != K::REFUSED {
        return Err(crate::premise::not_refused(&K::name(id), case.stage.code(), K::REFUSED.code()));
    }
    Ok((row, case))
}

/// Reopens `case` after the upheld `complaint`: its refusal cleared, the reconsideration stage
/// entered with `deadline`, the event, report and audit row written; the case is left there.
pub async fn reopen<K: Reopens>(
    tx: &mut WriteTx,
    case: &mut Case<K>,
    complaint: &str,
    reason: &str,
    deadline: &Deadline,
) -> Result<(), ApiError> {
    crate::rows::set_refusal(tx, case.id, None).await?;
    let why = format!("reconsideration after the upheld complaint {complaint}: {reason}");
    enter_stage(tx, case, K::RECONSIDERATION, &why, Some(deadline), &why).await.map(|_| ())
}

/// A reconsideration as asked (the contract's `ReconsiderApplication`): the refused case, the
/// upheld complaint it rests on, and why.
#[derive(Debug, Clone)]
pub struct Reconsideration {
    /// The case.
    pub id: i64,
    /// The upheld complaint (`complaints/complaints/{id}`).
    pub complaint: String,
    /// Why, in the official's words.
    pub reason: String,
}

impl Reconsideration {
    /// The request's fields checked, for a case of kind `K`: its `name`, the `complaint` and the
    /// `reason` (the first problem refuses the request).
    pub fn checked<K: CaseKind>(name: &str, complaint: &str, reason: &str) -> Result<Self, ApiError> {
        Ok(Reconsideration {
            id: crate::fields::id_of(name, K::COLLECTION, "name")?,
            complaint: crate::premise::complaint_named(complaint)?,
            reason: crate::fields::text(reason, "reason")?,
        })
    }

    /// What the new deadline notes: the complaint it follows.
    pub fn note(&self) -> String {
        format!("reconsideration after {}", self.complaint)
    }
}

/// What a kind does with a case it has just reopened, inside the same change (schedule its
/// decision, open an official's task): it gets the transaction, the row as read and the case.
pub type Then<K> = Box<
    dyn for<'t> FnOnce(
            &'t mut WriteTx,
            <K as CaseKind>::Row,
            &'t mut Case<K>,
        )
            -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiError>> + Send + 't>>
        + Send,
>;

/// The recipe of a reconsideration: the case read (NOT_FOUND if there is none); the complaint
/// confirmed upheld and about this case at its source; the new deadline, which `deadline` sets
/// from the row; then one change that finds the case still refused, reopens it ([`reopen`]) and
/// does what the kind does next (`then`).
pub async fn reconsider<K: Reopens>(
    db: &Db,
    complaints: &ComplaintsClient,
    asked: crate::asked::Asked,
    asking: Reconsideration,
    deadline: impl FnOnce(&K::Row, &str) -> Result<Deadline, ApiError>,
    then: Then<K>,
) -> Result<(), ApiError> {
    let note = asking.note();
    let Reconsideration { id, complaint, reason } = asking;
    let row: K::Row = crate::rows::one(db, id).await?.ok_or_else(|| K::not_found(id))?;
    // Reopened only on an upheld complaint about this very case, confirmed at its source.
    crate::premise::upheld_complaint(complaints, &complaint, &K::name(id)).await?;
    // Two bodies may uphold complaints about one refusal: the first reopens the case; the other
    // meets it reopened and is answered so once (ALREADY_EXISTS, which the complaints service's
    // outbox takes as delivered), not refused as if it could be tried again.
    let stage = K::case(&row).stage;
    if stage != K::REFUSED && crate::history::ever_at(db, id, K::RECONSIDERATION.code()).await? {
        let name = K::name(id);
        return Err(ApiError::already_exists(
            "ALREADY_RECONSIDERED",
            format!("{name} was reopened after an upheld complaint already; it is {} now", stage.code()),
        )
        .meta("application", name)
        .meta("stage", stage.code()));
    }
    let deadline = deadline(&row, &note)?;
    db.transact::<(), _>(asked.command()?, move |tx| {
        Box::pin(async move {
            let (row, mut case) = refused::<K>(tx, id).await?;
            reopen(tx, &mut case, &complaint, &reason, &deadline).await?;
            then(tx, row, &mut case).await
        })
    })
    .await?;
    Ok(())
}
