//! The waiting lists [A-QUEUE]: a person's place, a list a page at a time, every list a person
//! is on (the rent subsidy asks it), and removal by an official on a ground [A-REMOVAL].

use casework::access;
use casework::asked::Asked;
use platform::{ApiError, Principal};
use proto::housing::registry::v1 as pb;
use tonic::Request;

use super::Registry;
use super::convert::{self, id_of};
use crate::app::remove::{self, Removal};
use crate::domain::category;
use crate::store;

const REMOVE: &str = "/kz.housing.registry.v1.RegistryService/RemoveFromQueue";

fn list_category(value: &str) -> Result<&'static str, ApiError> {
    category::find(value.trim()).map(|c| c.code).ok_or_else(|| {
        let known = category::CATEGORIES.iter().map(|c| c.code).collect::<Vec<_>>().join(", ");
        ApiError::bad_field("LIST_CATEGORY_UNKNOWN", "list_category", format!("one of {known}"))
    })
}

impl Registry {
    /// A person's place: for the person (or their representative), an official of the list's
    /// jurisdiction, or a service of the suite; anyone else is answered as if the person were
    /// not on the list.
    pub(super) async fn queue_position(
        &self,
        request: Request<pb::GetQueuePositionRequest>,
    ) -> Result<pb::GetQueuePositionResponse, ApiError> {
        let principal = Principal::of(&request);
        let pb::GetQueuePositionRequest { iin, settlement_kato, list_category: asked_category } = request.into_inner();
        let iin = convert::iin(&iin, "iin")?.to_string();
        let settlement = convert::kato(&settlement_kato, "settlement_kato")?;
        let category = list_category(&asked_category)?;
        let not_on_list = || {
            ApiError::not_found("NOT_ON_WAITING_LIST", format!("{iin} is not on the list {category} of {settlement}"))
                .meta("iin", iin.clone())
        };
        let case = access::Case { applicant: &iin, representative: None, jurisdiction: &settlement };
        if !access::may_see(&principal, &case) {
            return Err(not_on_list());
        }
        let entry = store::entry_of(&self.db, &iin, &settlement, category).await?.ok_or_else(not_on_list)?;
        let size = store::size(&self.db, &settlement, category).await?;
        Ok(pb::GetQueuePositionResponse { entry: Some(convert::queue_entry(&entry)), list_size: size })
    }

    /// A list a page at a time, as Otbasy bank publishes it: each place with its date and
    /// category, the person masked (`880101******`) and the case left out, but the caller's own
    /// entry whole; whole entries to officials of the list's jurisdiction.
    pub(super) async fn queue_page(
        &self,
        request: Request<pb::ListQueueRequest>,
    ) -> Result<pb::ListQueueResponse, ApiError> {
        let principal = Principal::of(&request);
        let pb::ListQueueRequest { settlement_kato, list_category: asked_category, page_size, page_token } =
            request.into_inner();
        let settlement = convert::kato(&settlement_kato, "settlement_kato")?;
        let category = list_category(&asked_category)?;
        let limit = convert::page_size(page_size)?;
        let after = convert::after(&page_token)?;
        let rows = store::page(&self.db, &settlement, category, after, limit + 1).await?;
        let (page, next) = convert::paged(rows, limit, |q| convert::page_token(q.accepted_at, q.application_id));
        let shown = |q: &store::QueueRow| {
            let mut entry = convert::queue_entry(q);
            let case = access::Case { applicant: &q.person_iin, representative: None, jurisdiction: &settlement };
            if !access::may_see(&principal, &case) {
                entry.person = Some(proto::housing::common::v1::PersonRef { iin: access::mask_iin(&q.person_iin) });
                entry.application = String::new();
            }
            entry
        };
        Ok(pb::ListQueueResponse {
            entries: page.iter().map(shown).collect(),
            next_page_token: next,
            list_size: store::size(&self.db, &settlement, category).await?,
        })
    }

    /// Every list a person is on: for the person, an official (the lists of their
    /// jurisdiction), or a service of the suite (the rent subsidy); nothing for anyone else.
    pub(super) async fn queue_standing(
        &self,
        request: Request<pb::GetQueueStandingRequest>,
    ) -> Result<pb::GetQueueStandingResponse, ApiError> {
        let principal = Principal::of(&request);
        let pb::GetQueueStandingRequest { iin } = request.get_ref();
        let iin = convert::iin(iin, "iin")?.to_string();
        let rows = store::standing(&self.db, &iin).await?;
        let visible = |q: &&store::QueueRow| {
            access::may_see(
                &principal,
                &access::Case { applicant: &iin, representative: None, jurisdiction: &q.settlement_kato },
            )
        };
        Ok(pb::GetQueueStandingResponse { entries: rows.iter().filter(visible).map(convert::queue_entry).collect() })
    }

    pub(super) async fn remove(
        &self,
        request: Request<pb::RemoveFromQueueRequest>,
    ) -> Result<pb::RemoveFromQueueResponse, ApiError> {
        let (asked, r) = Asked::of(request, REMOVE, |m| &m.request_id)?;
        let pb::RemoveFromQueueRequest { request_id: _, name, ground, reason } = &r;
        let id = id_of(name, "registry/applications", "name")?;
        let ground = convert::removal_ground(*ground)?;
        let reason = convert::text(reason, "reason")?;
        // The official acts inside their jurisdiction only (`casework::access`).
        self.visible(&asked.principal, name, "name").await?;
        remove::remove(self, asked, Removal { id, ground, reason }).await?;
        Ok(pb::RemoveFromQueueResponse { application: Some(self.load(id).await?) })
    }
}
