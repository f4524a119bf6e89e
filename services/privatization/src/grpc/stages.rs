//! The officials' acts that close each stage, as the contract carries them: five methods, one
//! conversion each into `app::act`'s command (RULES.md 3.2). A retry with the same `request_id`
//! gets the first answer and changes nothing.

use casework::asked::Asked;
use platform::{ApiError, Principal};
use proto::housing::privatization::v1 as pb;
use tonic::Request;

use super::{Privatization, convert};
use crate::app::act::{self, Taken};
use crate::domain::commission::{Commission, Invalid};
use crate::domain::fund::Act;

/// A request that records an act: its method, the act, and where its fields are.
pub(super) trait ActRequest: prost::Message + Sized {
    /// The method's full path.
    const METHOD: &'static str;
    /// The act.
    const ACT: Act;
    /// The field that carries the act's number.
    const NUMBER: &'static str;
    /// The request id, the application's name, the act's number and the official's note.
    fn fields(&self) -> [&str; 4];

    /// The commission's decision the request carries, checked; none for the other acts.
    fn commission(&self) -> Result<Option<(Commission, String)>, ApiError> {
        Ok(None)
    }
}

macro_rules! act_request {
    ($message:ty, $method:literal, $act:expr, $number:ident, $note:ident) => {
        impl ActRequest for $message {
            const METHOD: &'static str = concat!("/kz.housing.privatization.v1.PrivatizationService/", $method);
            const ACT: Act = $act;
            const NUMBER: &'static str = stringify!($number);
            fn fields(&self) -> [&str; 4] {
                // Every field of the request: one added to the contract breaks the build here.
                let Self { request_id, name, $number, $note } = self;
                [request_id, name, $number, $note]
            }
        }
    };
}

act_request!(
    pb::RecordPropertyBodyDecisionRequest,
    "RecordPropertyBodyDecision",
    Act::PropertyBodyDecision,
    decision_number,
    reason
);
act_request!(pb::RecordTransferActRequest, "RecordTransferAct", Act::TransferAct, act_number, reason);
act_request!(
    pb::RecordStateRegistrationRequest,
    "RecordStateRegistration",
    Act::StateRegistration,
    registration_number,
    reason
);
act_request!(pb::SignContractRequest, "SignContract", Act::Contract, contract_number, reason);

impl ActRequest for pb::RecordCommissionDecisionRequest {
    const METHOD: &'static str = "/kz.housing.privatization.v1.PrivatizationService/RecordCommissionDecision";
    const ACT: Act = Act::CommissionDecision;
    const NUMBER: &'static str = "decision_number";

    fn fields(&self) -> [&str; 4] {
        // Every field of the request: one added to the contract breaks the build here.
        let Self { request_id, name, decision_number, reason, approve: _, refusal_code: _, price: _, gratuitous: _ } =
            self;
        [request_id, name, decision_number, reason]
    }

    /// Row 10; [A-PRICE], [A-P11].
    fn commission(&self) -> Result<Option<(Commission, String)>, ApiError> {
        let reason = convert::text(&self.reason, "reason")?;
        let price = self.price.map(|p| p.tiyn).unwrap_or_default();
        Commission::entered(self.approve, price, self.gratuitous, &self.refusal_code)
            .map(|decision| Some((decision, reason)))
            .map_err(invalid)
    }
}

impl Privatization {
    /// Records the act `r` carries and answers the application as it stands after it.
    pub(super) async fn act<M: ActRequest>(&self, r: Request<M>) -> Result<Option<pb::Application>, ApiError> {
        let principal = Principal::of(&r);
        let m = r.into_inner();
        let [request_id, name, number, note] = m.fields();
        let asked = Asked::new(principal, M::METHOD, request_id, &m, false)?;
        let number = convert::text(number, M::NUMBER)?;
        let commission = m.commission()?;
        let id = convert::id_of(name, "privatization/applications", "name")?;
        let taken = Taken { id, act: M::ACT, number, note: note.trim().to_owned(), commission };
        act::act(self, asked, taken).await?;
        self.load(id).await.map(Some)
    }
}

/// A commission's decision that cannot stand, as a field violation.
fn invalid(e: Invalid) -> ApiError {
    match e {
        Invalid::NegativePrice => ApiError::bad_field("PRICE_INVALID", "price", "zero or more tiyn"),
        Invalid::PriceRequired => {
            ApiError::bad_field("PRICE_REQUIRED", "price", "the price the commission set [A-PRICE], unless gratuitous")
        }
        Invalid::NotTheCommissionsGround => ApiError::bad_field(
            "REFUSAL_CODE_INVALID",
            "refusal_code",
            "UNRELIABLE_DOCUMENTS (row 10(1)) or NONCONFORMING (row 10(2)): the commission's grounds",
        ),
    }
}
