//! The registry's use cases, over their dependencies (the store, the state data): what the
//! gRPC layer and the deadline sweeper call. No tonic here.

pub mod decide;
