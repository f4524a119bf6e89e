//! Every service of the contract table in one process on one port (default 127.0.0.1:50051),
//! sharing one clock. Each service crate also builds its own binary for separate deployment.
#![forbid(unsafe_code)]

use platform::{ServerContext, ServiceSet};

/// The address the suite binds by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50051";

/// Adds every service to a server.
pub fn register(ctx: &ServerContext, services: &mut ServiceSet) {
    egov_gateway::register(ctx, services);
    privatization::register(ctx, services);
    registry::register(ctx, services);
    rent_subsidy::register(ctx, services);
    complaints::register(ctx, services);
}
