//! Every service of the contract table in one process on one port (default 127.0.0.1:50051),
//! sharing one clock. Each service crate also builds its own binary for separate deployment.
#![forbid(unsafe_code)]

pub mod certs;
pub mod cli;
pub mod manifests;
pub mod tokens;

use platform::{ApiError, ServerContext, ServiceSet};

/// The address the suite binds by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50051";

/// Adds every service to a server.
pub async fn register(ctx: &ServerContext, services: &mut ServiceSet) -> Result<(), ApiError> {
    egov_gateway::register(ctx, services).await?;
    privatization::register(ctx, services).await?;
    registry::register(ctx, services).await?;
    rent_subsidy::register(ctx, services).await?;
    complaints::register(ctx, services).await
}
