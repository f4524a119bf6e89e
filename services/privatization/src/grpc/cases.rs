//! The "personal cabinet" view of a case (Annex 1 row 11(2)): one application, lists, its
//! history and a live watch; the overdue list; and reconsideration after an upheld complaint.

use calendar::DEFAULT_START;
use casework::history::events_page;
use casework::reads::{overdue_page, visible_page};
use casework::reopen;
use platform::store::{Command, request_hash};
use platform::{ApiError, Principal};
use proto::housing::privatization::v1 as pb;
use tonic::Request;

use super::convert::{self, id_of};
use super::{Privatization, calendar_error, not_found};
use crate::Privatizations;
use crate::domain::fund::{self, Stage};
use crate::store::{self, Deadline};

const RECONSIDER: &str = "/kz.housing.privatization.v1.PrivatizationService/ReconsiderApplication";

impl Privatization {
    /// The application `name` names, if the caller may see it (`casework::access::visible`).
    pub(super) async fn visible(&self, principal: &Principal, name: &str) -> Result<i64, ApiError> {
        Ok(casework::reads::visible::<Privatizations>(&self.db, principal, name, "name").await?.id)
    }

    async fn load_all(&self, ids: Vec<i64>) -> Result<Vec<pb::Application>, ApiError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.load(id).await?);
        }
        Ok(out)
    }

    pub(super) async fn get(
        &self,
        r: Request<pb::GetApplicationRequest>,
    ) -> Result<pb::GetApplicationResponse, ApiError> {
        let principal = Principal::of(&r);
        let row = casework::reads::visible::<Privatizations>(&self.db, &principal, &r.get_ref().name, "name").await?;
        Ok(pb::GetApplicationResponse { application: Some(self.show(row).await?) })
    }

    /// The applications the caller may see, newest first (`casework::access::scope`).
    pub(super) async fn list(
        &self,
        request: Request<pb::ListApplicationsRequest>,
    ) -> Result<pb::ListApplicationsResponse, ApiError> {
        let principal = Principal::of(&request);
        let r = request.into_inner();
        let (ids, next) =
            visible_page::<Privatizations>(&self.db, &principal, &r.filter, r.page_size, &r.page_token).await?;
        Ok(pb::ListApplicationsResponse { applications: self.load_all(ids).await?, next_page_token: next })
    }

    pub(super) async fn list_events(
        &self,
        r: Request<pb::ListApplicationEventsRequest>,
    ) -> Result<pb::ListApplicationEventsResponse, ApiError> {
        let id = self.visible(&Principal::of(&r), &r.get_ref().name).await?;
        let (events, next_page_token) =
            events_page(&self.db, id, r.get_ref().page_size, &r.get_ref().page_token).await?;
        Ok(pb::ListApplicationEventsResponse { events, next_page_token })
    }

    pub(super) async fn watch(
        &self,
        r: Request<pb::WatchApplicationRequest>,
    ) -> Result<casework::watch::Events<pb::WatchApplicationResponse>, ApiError> {
        let id = self.visible(&Principal::of(&r), &r.get_ref().name).await?;
        let after = r.get_ref().after_sequence;
        let wrap = |event| pb::WatchApplicationResponse { event: Some(event) };
        casework::watch::stream_after(self.db.clone(), id, after, self.changed.clone(), self.shutdown.clone(), wrap)
    }

    pub(super) async fn overdue(&self, r: pb::ListOverdueRequest) -> Result<pb::ListOverdueResponse, ApiError> {
        let (ids, next) = overdue_page::<Stage>(&self.db, self.clock.now(), r.page_size, &r.page_token).await?;
        Ok(pb::ListOverdueResponse { applications: self.load_all(ids).await?, next_page_token: next })
    }

    /// DESIGN.md "Cases, deadlines and evidence": an upheld complaint reopens a refused case for
    /// the commission, with a new 30-day term and the history kept.
    pub(super) async fn reconsider(
        &self,
        request: Request<pb::ReconsiderApplicationRequest>,
    ) -> Result<pb::ReconsiderApplicationResponse, ApiError> {
        let principal = Principal::of(&request);
        let r = request.into_inner();
        let request_id = convert::request_id(&r.request_id)?;
        let id = id_of(&r.name, "privatization/applications", "name")?;
        if r.stage != pb::ApplicationStage::Accepted as i32 {
            return Err(ApiError::bad_field(
                "STAGE_NOT_REOPENABLE",
                "stage",
                "APPLICATION_STAGE_ACCEPTED: the commission decides again",
            ));
        }
        let complaint = casework::premise::complaint_named(&r.complaint)?;
        let reason = convert::text(&r.reason, "reason")?;
        let app = store::application(&self.db, id).await?.ok_or_else(|| not_found(id))?;
        // Reopened only on an upheld complaint about this very case, confirmed at its source.
        let name = convert::application_name(id);
        casework::premise::upheld_complaint(&self.complaints, complaint.as_str(), &name).await?;
        let fund = app.fund_kind;
        let now = self.clock.now();
        let today = now.with_timezone(&calendar::KAZAKHSTAN).date_naive();
        let (term, _, clause) =
            fund::term(fund, Stage::Reconsideration).ok_or_else(|| ApiError::internal("no term"))?;
        let due = self.calendar.due(today, term, DEFAULT_START).map_err(calendar_error)?;
        let deadline = Deadline::new(
            term,
            "RECONSIDERATION_OPENED",
            now,
            due,
            format!("{clause}; reconsideration after {}", complaint.as_str()),
        );
        let command = Command::new(principal, RECONSIDER).idempotent(request_id, request_hash(RECONSIDER, &r));
        self.db
            .transact(command, move |tx| {
                Box::pin(async move {
                    let (_, mut case) = reopen::refused::<Privatizations>(tx, id).await?;
                    reopen::reopen(tx, &mut case, &complaint, &reason, &deadline).await?;
                    let name = case.name();
                    Ok(pb::ReconsiderApplicationResponse {
                        application: Some(pb::Application { name, ..Default::default() }),
                    })
                })
            })
            .await?;
        self.changed.notify_waiters();
        Ok(pb::ReconsiderApplicationResponse { application: Some(self.load(id).await?) })
    }
}
