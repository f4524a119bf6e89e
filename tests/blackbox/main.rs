//! Black-box tests: each starts the suite binary as a real process on a free port and speaks
//! to it only through gRPC. One test binary (STYLE.md practice 12); `TEST_LOG=1` shows the
//! suite's logs.
#![allow(clippy::unwrap_used)]

mod helpers;
mod kit;

mod browser;
mod clock;
mod complaints;
mod deploy;
mod errors;
mod gateway;
mod gateway_exchange;
mod identity;
mod monitoring;
mod outbox;
mod privatization;
mod records;
mod registry;
mod replicas;
mod results;
mod serving;
mod shutdown;
mod signing;
mod subsidy;
mod sweep;
mod telemetry;
mod upgrade;
