//! Reconsideration after an upheld complaint. The "personal cabinet" view of a case (Annex 1
//! row 11(2): one application, lists, its history and a live watch) and the overdue list are the
//! case kernel's (`casework::service`).

use calendar::DEFAULT_START;
use casework::asked::Asked;
use casework::reopen;
use casework::reopen::Reconsideration;
use platform::ApiError;
use proto::housing::privatization::v1 as pb;
use tonic::Request;

use super::{Privatization, calendar_error};
use crate::Privatizations;
use crate::domain::fund::{self, Stage};
use crate::store::{self, Deadline};

const RECONSIDER: &str = "/kz.housing.privatization.v1.PrivatizationService/ReconsiderApplication";

impl Privatization {
    /// DESIGN.md "Cases, deadlines and evidence": an upheld complaint reopens a refused case for
    /// the commission, with a new 30-day term and the history kept.
    /// DESIGN.md "Cases, deadlines and evidence": an upheld complaint reopens a refused case for
    /// the commission, with a new 30-day term and the history kept (`casework::reopen::reconsider`).
    pub(super) async fn reconsider(
        &self,
        request: Request<pb::ReconsiderApplicationRequest>,
    ) -> Result<pb::ReconsiderApplicationResponse, ApiError> {
        let (asked, r) = Asked::of(request, RECONSIDER, |m| &m.request_id)?;
        let pb::ReconsiderApplicationRequest { request_id: _, name, stage, complaint, reason } = &r;
        let asking = Reconsideration::checked::<Privatizations>(name, complaint, reason)?;
        if *stage != pb::ApplicationStage::Accepted as i32 {
            return Err(ApiError::bad_field(
                "STAGE_NOT_REOPENABLE",
                "stage",
                "APPLICATION_STAGE_ACCEPTED: the commission decides again",
            ));
        }
        let id = asking.id;
        let deadline = |app: &store::ApplicationRow, note: &str| {
            let now = self.clock.now();
            let today = now.with_timezone(&calendar::KAZAKHSTAN).date_naive();
            let (term, _, clause) =
                fund::term(app.fund_kind, Stage::Reconsideration).ok_or_else(|| ApiError::internal("no term"))?;
            let due = self.calendar.due(today, term, DEFAULT_START).map_err(calendar_error)?;
            Ok(Deadline::new(term, "RECONSIDERATION_OPENED", now, due, format!("{clause}; {note}")))
        };
        // The commission decides again at its own pace: nothing more happens in the change.
        let then: reopen::Then<Privatizations> = Box::new(|_, _, _| Box::pin(async { Ok(()) }));
        reopen::reconsider(&self.db, &self.complaints, asked, asking, deadline, then).await?;
        self.changed.notify_waiters();
        Ok(pb::ReconsiderApplicationResponse { application: Some(self.load(id).await?) })
    }
}
