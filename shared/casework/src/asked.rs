//! A change as its caller asked for it, for a use case: who, through which method, and the
//! client's request id with the request's hash, so that a retry gets the first answer back. A
//! `validate_only` request asks for no change and has no request id to keep.

use platform::store::{Command, Db, request_hash};
use platform::{ApiError, Principal};
use prost::Message;
use uuid::Uuid;

/// A change as asked.
#[derive(Debug, Clone)]
pub struct Asked {
    /// The caller.
    pub principal: Principal,
    /// The method's full path.
    pub method: &'static str,
    /// The request id and the request's hash; none when only a preview is asked.
    pub request: Option<(Uuid, [u8; 32])>,
    /// The request id as the caller wrote it, which names the filing at the gateway.
    pub reference: String,
}

impl Asked {
    /// A change `message` asks of `method` under `request_id` (checked, unless `preview`).
    pub fn new<M: Message>(
        principal: Principal,
        method: &'static str,
        request_id: &str,
        message: &M,
        preview: bool,
    ) -> Result<Asked, ApiError> {
        let request =
            if preview { None } else { Some((crate::fields::request_id(request_id)?, request_hash(method, message))) };
        Ok(Asked { principal, method, request, reference: request_id.trim().to_owned() })
    }

    /// The change a gRPC request asks of `method`: its caller (`Principal::of`), its request id
    /// (`request_id` reads it from the message, and it is checked) and the message itself.
    pub fn of<M: Message>(
        request: tonic::Request<M>,
        method: &'static str,
        request_id: impl FnOnce(&M) -> &str,
    ) -> Result<(Asked, M), ApiError> {
        let principal = Principal::of(&request);
        let message = request.into_inner();
        let asked = Asked::new(principal, method, request_id(&message), &message, false)?;
        Ok((asked, message))
    }

    /// The answer a first request under the same id got, if there was one.
    pub async fn replay<R: Message + Default>(&self, db: &Db) -> Result<Option<R>, ApiError> {
        match self.request {
            Some((id, hash)) => db.replay(id, &hash).await,
            None => Ok(None),
        }
    }

    /// The change's command, idempotent on the request id.
    pub fn command(&self) -> Result<Command, ApiError> {
        let (id, hash) = self.request.ok_or_else(|| ApiError::internal("a change without a request id"))?;
        Ok(Command::new(self.principal.clone(), self.method).idempotent(id, hash))
    }
}

/// What a filing answers: without a request to file (`validate_only`), what filing would ask of
/// the filer (`P`: the digest to sign, who confirms, which documents); else the case filed, as
/// the caller showed it (`R`, the answer a retry gets back).
#[derive(Debug)]
pub enum Filed<P, R> {
    /// What filing would ask.
    Preview(P),
    /// The case filed.
    Filed(R),
}
