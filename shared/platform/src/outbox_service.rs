//! `kz.housing.ops.v1.OutboxService`: the operators' view of a server's outboxes, every store
//! of the process at once: the deliveries parked after a permanent refusal or too many
//! attempts, and re-queuing one. The caller table admits the `operator` subsystem only.

use std::sync::{Arc, Mutex};

use proto::housing::ops::v1 as pb;
use tonic::{Request, Response, Status};

use crate::error::ApiError;
use crate::store::Db;
use crate::store::outbox::ParkedRow;

/// The stores of one server, by name (`registry`, `egov-gateway`, …).
pub type Stores = Arc<Mutex<Vec<(&'static str, Db)>>>;

/// The operators' outbox service.
#[derive(Debug, Clone)]
pub struct OutboxService {
    stores: Stores,
}

impl OutboxService {
    /// The service over the stores a server opens.
    pub fn new(stores: Stores) -> Self {
        OutboxService { stores }
    }

    fn stores(&self) -> Vec<(&'static str, Db)> {
        let mut stores = self.stores.lock().unwrap_or_else(|p| p.into_inner()).clone();
        stores.sort_by_key(|(name, _)| *name);
        stores
    }
}

fn delivery(store: &str, row: ParkedRow) -> pb::ParkedDelivery {
    let ts = |t: chrono::DateTime<chrono::Utc>| prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0),
    };
    pb::ParkedDelivery {
        name: format!("outbox/{store}/{}", row.seq),
        destination: row.destination,
        method: row.method,
        case_name: row.case_name,
        attempts: row.attempts,
        last_error: row.last_error.unwrap_or_default(),
        parked_time: Some(ts(row.parked_at)),
        create_time: Some(ts(row.created_at)),
    }
}

/// `outbox/{store}/{seq}` -> (store, seq).
fn parse(name: &str, field: &str) -> Result<(String, i64), ApiError> {
    let bad =
        || ApiError::bad_field("NAME_INVALID", field, "outbox/{store}/{sequence}, as ListParkedDeliveries names it");
    let rest = name.trim().strip_prefix("outbox/").ok_or_else(bad)?;
    let (store, seq) = rest.rsplit_once('/').ok_or_else(bad)?;
    Ok((store.to_owned(), seq.parse().map_err(|_| bad())?))
}

#[tonic::async_trait]
impl pb::outbox_service_server::OutboxService for OutboxService {
    async fn list_parked_deliveries(
        &self,
        request: Request<pb::ListParkedDeliveriesRequest>,
    ) -> Result<Response<pb::ListParkedDeliveriesResponse>, Status> {
        let r = request.into_inner();
        let limit = match r.page_size {
            0 => 50,
            n if n < 0 => return Err(ApiError::bad_field("PAGE_SIZE_INVALID", "page_size", "zero or more").into()),
            n => i64::from(n.min(500)),
        };
        let (from_store, after) =
            if r.page_token.trim().is_empty() { (String::new(), 0) } else { parse(&r.page_token, "page_token")? };
        let mut deliveries = Vec::new();
        for (name, db) in self.stores().into_iter().filter(|(name, _)| *name >= from_store.as_str()) {
            let after = if name == from_store { after } else { 0 };
            let want = limit + 1 - i64::try_from(deliveries.len()).unwrap_or(0);
            for row in db.parked_deliveries(after, want).await.map_err(Status::from)? {
                deliveries.push(delivery(name, row));
            }
            if i64::try_from(deliveries.len()).unwrap_or(i64::MAX) > limit {
                break;
            }
        }
        let next_page_token = if i64::try_from(deliveries.len()).unwrap_or(i64::MAX) > limit {
            deliveries.truncate(usize::try_from(limit).unwrap_or(50));
            deliveries.last().map(|d| d.name.clone()).unwrap_or_default()
        } else {
            String::new()
        };
        Ok(Response::new(pb::ListParkedDeliveriesResponse { deliveries, next_page_token }))
    }

    async fn requeue_delivery(
        &self,
        request: Request<pb::RequeueDeliveryRequest>,
    ) -> Result<Response<pb::RequeueDeliveryResponse>, Status> {
        let name = request.get_ref().name.clone();
        let (store, seq) = parse(&name, "name")?;
        let not_parked = || {
            ApiError::not_found("DELIVERY_NOT_PARKED", format!("{name} is not a parked delivery")).meta("name", &name)
        };
        let db = self.stores().into_iter().find(|(n, _)| *n == store).map(|(_, db)| db).ok_or_else(not_parked)?;
        let row = db.requeue_delivery(seq).await?.ok_or_else(not_parked)?;
        Ok(Response::new(pb::RequeueDeliveryResponse { delivery: Some(delivery(&store, row)) }))
    }
}
