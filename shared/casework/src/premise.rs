//! Acts that need proof of their premise: a case reopened after an upheld complaint is reopened
//! only when the complaints service confirms the complaint is upheld and concerns that case
//! (PR cl. 14; SR cl. 33, 34), never on the caller's word.

use clients::{CallPolicy, ChannelPool, ComplaintsClient};
use platform::ApiError;
use proto::housing::complaints::v1 as pb;
use tonic::Code;

/// The complaints service as the service `me` asks it (over `me`'s own identity).
pub fn complaints_client(ctx: &platform::ServerContext, me: platform::Subsystem) -> Result<ComplaintsClient, ApiError> {
    let pool = ChannelPool::from_channels(ctx.channels(me, platform::Subsystem::Complaints, 1)?);
    ComplaintsClient::new(pool, me.as_str(), CallPolicy::default()).map_err(ApiError::internal)
}

/// Confirms that `complaint` (`complaints/complaints/{id}`) is upheld and concerns
/// `application` (its resource name). A complaint the complaints service does not show, or one
/// not upheld or about another case, is refused with `COMPLAINT_NOT_UPHELD`; the complaints
/// service away is UNAVAILABLE (the outbox tries again).
pub async fn upheld_complaint(
    complaints: &ComplaintsClient,
    complaint: &str,
    application: &str,
) -> Result<(), ApiError> {
    let refused = |why: &str| {
        ApiError::failed_precondition("COMPLAINT_NOT_UPHELD", format!("{complaint}: {why}; the case stays as it is"))
            .precondition("COMPLAINT", complaint.to_owned(), "an upheld complaint about this application")
    };
    let found = match complaints.get_complaint(complaint).await {
        Ok(found) => found.complaint.ok_or_else(|| refused("the complaints service answered no complaint"))?,
        Err(status) if matches!(status.code(), Code::NotFound | Code::InvalidArgument) => {
            return Err(refused("no such complaint"));
        }
        Err(status) => {
            return Err(ApiError::unavailable(
                "COMPLAINTS_UNAVAILABLE",
                format!("the complaints service could not confirm {complaint} ({}): try again later", status.message()),
            ));
        }
    };
    if found.stage != pb::ComplaintStage::Upheld as i32 {
        return Err(refused("the complaint is not upheld"));
    }
    // The complaint may name the case as it was named when filed (a number handed out before).
    let same = |name: &str| {
        name.rsplit_once('/').and_then(|(collection, segment)| {
            platform::names::id_of(segment, collection).map(|id| (collection.to_owned(), id))
        })
    };
    if same(&found.application).is_none() || same(&found.application) != same(application) {
        return Err(refused(&format!("the complaint concerns {}, not {application}", found.application)));
    }
    Ok(())
}

/// The upheld complaint a reopening names (`complaints/complaints/{id}`), checked for shape.
pub fn complaint_named(complaint: &str) -> Result<String, ApiError> {
    let complaint = complaint.trim();
    if !complaint.starts_with("complaints/complaints/") {
        return Err(ApiError::bad_field(
            "COMPLAINT_REQUIRED",
            "complaint",
            "the upheld complaint, complaints/complaints/{id}",
        ));
    }
    Ok(complaint.to_owned())
}

/// A case that is not refused cannot be reopened: case `name` is at `stage`.
pub fn not_refused(name: &str, stage: &str, refused: &str) -> ApiError {
    ApiError::failed_precondition(
        "NOT_REFUSED",
        format!("only a refused application is reconsidered; this one is {stage}"),
    )
    .precondition("STAGE", name.to_owned(), refused.to_owned())
}
