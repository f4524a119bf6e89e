//! Removing a person from the waiting list (RR cl. 1; [A-REMOVAL]): only a case on a list, by an
//! official of its jurisdiction; a removal on the ground of death needs the death on record at
//! the gateway, never an official's word. Everyone behind moves up one place.

use casework::asked::Asked;
use casework::case::{CaseKind as _, enter_stage};
use law::Stage as _;
use platform::ApiError;

use super::Registry;
use crate::domain::Stage;
use crate::store::{self, ApplicationRow};
use crate::{Enrolments, reporting};

/// A removal as the official recorded it.
#[derive(Debug, Clone)]
pub struct Removal {
    /// The application.
    pub id: i64,
    /// The ground of removal, a code of [A-REMOVAL].
    pub ground: &'static str,
    /// Why, in the official's words.
    pub reason: String,
}

/// Removes case `removal.id` from its list as `asked`.
#[tracing::instrument(level = "debug", name = "registry.remove", skip_all, fields(request = %asked.reference))]
pub async fn remove(deps: &Registry, asked: Asked, removal: Removal) -> Result<(), ApiError> {
    let id = removal.id;
    let app = store::application(&deps.db, id).await?.ok_or_else(|| Enrolments::not_found(id))?;
    if removal.ground == "DEATH" {
        death_on_record(deps, &app).await?;
    }
    deps.db
        .transact(asked.command()?, move |tx| {
            Box::pin(async move {
                let app = store::application_in(tx, id).await?.ok_or_else(|| Enrolments::not_found(id))?;
                let (ground, reason, name) = (removal.ground, &removal.reason, Enrolments::name(id));
                let place = match (app.stage, store::remove(tx, id, ground, reason).await?) {
                    (Stage::Enrolled, Some(place)) => place,
                    (stage, _) => {
                        return Err(ApiError::failed_precondition(
                            "NOT_ON_WAITING_LIST",
                            format!("the application is {}, not on a list", stage.code()),
                        )
                        .precondition("STAGE", name, Stage::Enrolled.code()));
                    }
                };
                let why =
                    format!("removed from place {place} on {ground} [A-REMOVAL]: {reason}; everyone behind moves up");
                enter_stage(tx, &mut app.case(), Stage::Removed, &why, None, &why).await?;
                let text = reporting::removal_text(&app.business_id, ground, reason);
                let clause = format!("{ground} [A-REMOVAL]");
                let decided = casework::results::Decided {
                    service: Enrolments::SERVICE,
                    case_id: id,
                    case_name: &name,
                    kind: law::result::ResultKind::RemovalNotice,
                    decision: law::Stage::code(Stage::Removed),
                    clause: &clause,
                    text: &text,
                };
                casework::results::issue(tx, decided).await?;
                tx.enqueue(reporting::result_notice(&name, &app.applicant_iin, app.applicant_name.as_deref(), text))
                    .await?;
                Ok(())
            })
        })
        .await?;
    deps.changed.notify_waiters();
    Ok(())
}

/// The person's death is on record in the civil acts the gateway holds.
async fn death_on_record(deps: &Registry, app: &ApplicationRow) -> Result<(), ApiError> {
    let case = clients::CaseRef {
        name: Enrolments::name(app.id),
        purpose: "removal from the waiting list on the ground of death [A-REMOVAL]".into(),
        user_iin: app.applicant_iin.clone(),
    };
    if deps.state.death_recorded(&case, &app.applicant_iin).await? {
        return Ok(());
    }
    Err(ApiError::failed_precondition(
        "DEATH_NOT_RECORDED",
        "the act records hold no death of the person: remove on another ground, or when it is registered",
    )
    .precondition("DEATH_RECORD", app.applicant_iin.clone(), "a death act record at the gateway"))
}
