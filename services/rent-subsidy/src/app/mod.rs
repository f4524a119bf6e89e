//! The rent subsidy's use cases, over their dependencies (the store, the sources, the
//! parameters): what the gRPC layer and the deadline sweeper call. No tonic here.

pub mod decide;
