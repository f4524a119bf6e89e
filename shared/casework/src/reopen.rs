//! Reopening a refused case after an upheld complaint (DESIGN.md "Cases, deadlines and
//! evidence"; PR cl. 14; SR cl. 33): the case must stand refused; its refusal is cleared and it
//! enters the kind's reconsideration stage with a new deadline, its history kept. The premise
//! (the complaint upheld and about this case) is checked before, at the complaints service
//! (`premise::upheld_complaint`).

use law::Stage as _;
use platform::ApiError;
use platform::store::WriteTx;

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
