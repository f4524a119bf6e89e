//! The complaints' use cases over their dependencies (the store, the three services): what
//! the gRPC layer and the deadline sweeper call. No tonic here.

pub mod jobs;
