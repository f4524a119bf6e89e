//! Reconsideration after an upheld complaint. The "personal cabinet" view of a case (Annex 2
//! row 11(2): one application, lists, its history and a live watch) and the overdue list are the
//! case kernel's (`casework::service`).

use calendar::DEFAULT_START;
use casework::asked::Asked;
use casework::reopen::Reconsideration;
use platform::{ApiError, Principal};
use proto::housing::registry::v1 as pb;
use tonic::Request;

use super::{DECIDE, Registry, calendar_error};
use crate::app::decide::claim;
use casework::case::enter_stage;
use casework::reopen;

use crate::Enrolments;
use crate::domain::Stage;
use crate::store::{self, Deadline};

const RECONSIDER: &str = "/kz.housing.registry.v1.RegistryService/ReconsiderApplication";

impl Registry {
    /// The application `name` names (read from the request's `field`), if the caller may see it
    /// (`casework::access::visible`).
    pub(super) async fn visible(&self, principal: &Principal, name: &str, field: &str) -> Result<i64, ApiError> {
        Ok(casework::reads::visible::<Enrolments>(&self.db, principal, name, field).await?.id)
    }

    /// DESIGN.md "Cases, deadlines and evidence": an upheld complaint reopens a refused case at
    /// a named stage with a new deadline; the history stays (`casework::reopen::reconsider`).
    pub(super) async fn reconsider(
        &self,
        request: Request<pb::ReconsiderApplicationRequest>,
    ) -> Result<pb::ReconsiderApplicationResponse, ApiError> {
        let (asked, r) = Asked::of(request, RECONSIDER, |m| &m.request_id)?;
        let pb::ReconsiderApplicationRequest { request_id: _, name, stage, complaint, reason } = &r;
        let reopen_at = reopened_at(*stage)?;
        let asking = Reconsideration::checked::<Enrolments>(name, complaint, reason)?;
        let id = asking.id;
        let deadline = |app: &store::ApplicationRow, note: &str| {
            let case = claim(app)?.case;
            let now = self.clock.now();
            let acceptance = calendar::Channel::OTBASYBANK_REGISTRY
                .accept(&self.calendar, now)
                .map_err(calendar_error)?
                .ok_or_else(|| ApiError::internal("the channel is open around the clock"))?;
            let due = self.calendar.due(acceptance.accepted_on, case.term(), DEFAULT_START).map_err(calendar_error)?;
            let clause = format!("{}; {note}", case.term_clause());
            Ok(Deadline::new(case.term(), "RECONSIDERATION_OPENED", now, due, clause))
        };
        let then: reopen::Then<Enrolments> = Box::new(move |tx, app, case| {
            Box::pin(async move {
                if let Some(other) = store::collision_in(tx, &app).await? {
                    return Err(crate::app::file::collision(&other));
                }
                if reopen_at == Stage::UnderReview {
                    let reopened = "reopened for an official's review";
                    enter_stage(tx, case, Stage::UnderReview, reopened, None, reopened).await?;
                    store::open_task(tx, id, &app.settlement_kato).await.map(drop)
                } else {
                    let at = tx.now();
                    tx.schedule(DECIDE, &case.name(), at).await
                }
            })
        });
        reopen::reconsider(&self.db, &self.complaints, asked, asking, deadline, then).await?;
        self.changed.notify_waiters();
        Ok(pb::ReconsiderApplicationResponse { application: Some(self.load(id).await?) })
    }
}

/// Where a reopened case starts again: at acceptance (decided again at once) or with an official.
fn reopened_at(stage: i32) -> Result<Stage, ApiError> {
    match pb::ApplicationStage::try_from(stage) {
        Ok(pb::ApplicationStage::Accepted) => Ok(Stage::Accepted),
        Ok(pb::ApplicationStage::UnderReview) => Ok(Stage::UnderReview),
        _ => Err(ApiError::bad_field(
            "STAGE_NOT_REOPENABLE",
            "stage",
            "APPLICATION_STAGE_ACCEPTED or APPLICATION_STAGE_UNDER_REVIEW",
        )),
    }
}
