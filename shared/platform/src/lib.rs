//! What every server of the suite needs, written once.
//!
//! - [`config`]: typed settings from environment variables, each with a documented default;
//! - [`principal`]: who is calling, its vocabulary, and per-method caller tables;
//! - [`clock`] and [`clock_service`]: the one movable clock of a process;
//! - [`error`]: the one error type, mapped to `google.rpc.Status` with details;
//! - [`telemetry`]: JSON logs, OTLP traces when an endpoint is set;
//! - [`identity`]: proving who calls (mutual TLS, mesh identity, signed tokens), the callers
//!   file, refused calls made visible;
//! - [`masking`]: a person as others may see them, for lists, logs and spans;
//! - [`names`]: resource names that tell nothing (a keyed permutation of the number);
//! - [`rpc_layer`]: the tower layer every call passes through;
//! - [`server`]: health, reflection, limits, graceful shutdown, and [`run`] for `main.rs`;
//! - [`pending`]: declared services whose issue has not landed yet;
//! - [`store`]: SQLite and PostgreSQL, one transaction per state change with its audit row,
//!   idempotency record and outbox rows, the outbox relay and the deadline sweeper.
#![forbid(unsafe_code)]

pub mod admission;
pub mod browser;
pub mod clock;
pub mod clock_service;
pub mod config;
pub mod error;
pub mod health_check;
pub mod identity;
pub mod masking;
pub mod metrics;
pub mod names;
pub mod outbox_service;
pub mod pending;
pub mod principal;
pub mod profile;
pub mod refusal_audit;
pub mod rpc_layer;
pub mod server;
pub mod store;
pub mod telemetry;
#[cfg(feature = "test-util")]
pub mod testing;

pub use clock::Clock;
pub use config::{Config, Profile};
pub use error::ApiError;
pub use principal::{Allow, OfficialRole, Principal, Subsystem};
pub use server::{ServerContext, ServiceSet, run, serve};
