//! A declared service whose issue has not landed yet: every method answers UNIMPLEMENTED naming
//! itself, with the reason `NOT_IMPLEMENTED_YET`, while reflection already lists the service.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::marker::PhantomData;
use std::task::{Context, Poll};

use tonic::Status;
use tonic::body::Body;
use tonic::server::NamedService;
use tower_service::Service;

use crate::error::ApiError;

/// Stands in for the generated server `S` (for example `RegistryServiceServer<()>`), whose
/// name it takes.
pub struct Pending<S> {
    service: PhantomData<fn() -> S>,
}

impl<S> Pending<S> {
    /// A stand-in for `S`.
    pub fn new() -> Self {
        Pending { service: PhantomData }
    }
}

impl<S> Default for Pending<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S> Clone for Pending<S> {
    fn clone(&self) -> Self {
        Self::new()
    }
}

impl<S: NamedService> std::fmt::Debug for Pending<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pending").field(&S::NAME).finish()
    }
}

impl<S: NamedService> NamedService for Pending<S> {
    const NAME: &'static str = S::NAME;
}

impl<S, B> Service<http::Request<B>> for Pending<S> {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        ready(Ok(Status::from(ApiError::unimplemented(request.uri().path())).into_http()))
    }
}
