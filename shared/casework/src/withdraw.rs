//! Withdrawing an application not yet decided, at the request of its applicant or their
//! representative ([A-WITHDRAW]: the order says nothing of it; each kind names the stages before
//! its decision, `Stage::UNDECIDED`): the case ends at the kind's withdrawn stage with its event,
//! monitoring report (SR cl. 26) and audit row, the jobs that waited on it are cancelled, and
//! whatever the kind kept open for it (an official's task) is closed in the same change. A
//! withdrawn case holds no place: the person may file again.

use std::future::Future;
use std::pin::Pin;

use law::Stage as _;
use platform::store::{Db, WriteTx};
use platform::{ApiError, Principal};

use crate::asked::Asked;
use crate::case::enter_stage;
use crate::reopen::Reopens;
use crate::rows::CaseRow as _;

/// What the kind closes with a withdrawn case, inside the change: the transaction and the case.
pub type Closing = for<'t> fn(&'t mut WriteTx, i64) -> Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send + 't>>;

/// A kind whose applications may be withdrawn before they are decided.
pub trait Withdraws: Reopens {
    /// The stage a withdrawn case ends at.
    const WITHDRAWN: Self::Stage;
    /// The stages before the decision, from which a case may be withdrawn.
    const UNDECIDED: &'static [Self::Stage];
    /// The sweeper's jobs that wait on an undecided case, cancelled with it.
    const JOBS: &'static [&'static str];
    /// What else the kind closes with the case; nothing by default.
    const CLOSING: Option<Closing> = None;
}

/// Withdraws the case `name` names at the request of `asked`'s caller, who must be its
/// applicant or their representative (anyone else who may see the case is refused with
/// `WITHDRAWAL_BY_APPLICANT_ONLY`, anyone who may not is answered as if it were missing); the
/// case must stand undecided (`NOT_WITHDRAWABLE`). Answers the case's id.
pub async fn withdraw<K: Withdraws>(db: &Db, asked: Asked, name: &str, reason: &str) -> Result<i64, ApiError> {
    let reason = crate::fields::text(reason, "reason")?;
    let row: K::Row = crate::reads::visible::<K>(db, &asked.principal, name, "name").await?;
    let id = row.id();
    if !applicant_or_representative(&asked.principal, &row) {
        return Err(ApiError::permission_denied(
            "WITHDRAWAL_BY_APPLICANT_ONLY",
            format!("only the applicant of {} or their representative may withdraw it", K::name(id)),
        ));
    }
    db.transact::<(), _>(asked.command()?, move |tx| {
        Box::pin(async move {
            let row: K::Row = crate::rows::one_in(tx, id).await?.ok_or_else(|| K::not_found(id))?;
            let mut case = K::case(&row);
            if !K::UNDECIDED.contains(&case.stage) {
                let undecided: Vec<_> = K::UNDECIDED.iter().map(|s| s.code()).collect();
                return Err(ApiError::failed_precondition(
                    "NOT_WITHDRAWABLE",
                    format!(
                        "{} is {}: only an application not yet decided is withdrawn",
                        K::name(id),
                        case.stage.code()
                    ),
                )
                .precondition("STAGE", K::name(id), undecided.join(" or ")));
            }
            let why = format!("withdrawn by the applicant: {reason}");
            enter_stage(tx, &mut case, K::WITHDRAWN, &why, None, &why).await?;
            for job in K::JOBS {
                tx.cancel_jobs(job, &K::name(id)).await?;
            }
            match K::CLOSING {
                Some(close) => close(tx, id).await,
                None => Ok(()),
            }
        })
    })
    .await?;
    Ok(id)
}

/// Whether `principal` is the case's applicant or their representative: in person (the portal),
/// or at a State Corporation counter, where the operator's call names the person before them.
/// The dev profile's anonymous caller acts for anyone.
fn applicant_or_representative<R: crate::rows::CaseRow>(principal: &Principal, row: &R) -> bool {
    let at_the_counter = |o: &platform::principal::Official| o.role == platform::OfficialRole::StateCorporationOperator;
    match (&principal.official, principal.user_iin.as_deref()) {
        (None, Some(person)) => crate::access::is_party(person, &row.holder()),
        (Some(o), Some(person)) if at_the_counter(o) => crate::access::is_party(person, &row.holder()),
        (None, None) => principal.subsystem == platform::Subsystem::Dev,
        _ => false,
    }
}
