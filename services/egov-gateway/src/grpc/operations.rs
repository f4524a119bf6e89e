//! Seeding as a long-running operation (after `google.longrunning`): started, it answers at
//! once; it writes the population a batch at a time in a task of its own, and its state is read
//! or watched by name until it is done. Operations live as long as the process: one cut short
//! by a restart is started again, and resumes, since every batch is an upsert and the seed is
//! recorded as seeded only with its last batch.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use platform::{ApiError, Clock, Principal};
use proto::egov::gateway::v1 as pb;
use tokio::sync::watch;
use tokio_stream::Stream;
use tonic::Status;

use super::exchange::timestamp;
use crate::store::Registers;

/// The most people one operation seeds: more than the national waiting lists held in 2025
/// (953,617).
pub const MAX_PERSONS: usize = 1_000_000;

/// The operations started since the process began, by name.
#[derive(Debug, Clone, Default)]
pub struct Operations(Arc<Mutex<HashMap<String, watch::Sender<pb::SeedOperation>>>>);

/// The updates of a watched operation.
pub type Watching = Pin<Box<dyn Stream<Item = Result<pb::WatchSeedOperationResponse, Status>> + Send>>;

fn name_of(seed: u64) -> String {
    format!("operations/seed-{seed}")
}

impl Operations {
    /// Starts seeding `persons` people of `seed`, unless an operation for the seed runs or ran
    /// already: that one is answered.
    pub fn start(
        &self,
        registers: Registers,
        clock: Clock,
        principal: Principal,
        seed: u64,
        persons: usize,
    ) -> pb::SeedOperation {
        let name = name_of(seed);
        let mut operations = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(running) = operations.get(&name)
            && running.borrow().error.is_none()
        {
            return running.borrow().clone();
        }
        let now = Some(timestamp(clock.now()));
        let first = pb::SeedOperation {
            name: name.clone(),
            done: false,
            persons_written: 0,
            persons_requested: i32::try_from(persons).unwrap_or(i32::MAX),
            start_time: now,
            update_time: now,
            response: None,
            error: None,
        };
        let (state, _) = watch::channel(first.clone());
        operations.insert(name, state.clone());
        tokio::spawn(async move {
            let moved = |written: usize| {
                state.send_modify(|op| {
                    op.persons_written = i32::try_from(written).unwrap_or(i32::MAX);
                    op.update_time = Some(timestamp(clock.now()));
                });
            };
            let result = super::seed_population(&registers, principal, seed, persons, moved).await;
            state.send_modify(|op| {
                op.done = true;
                op.update_time = Some(timestamp(clock.now()));
                match result {
                    Ok(response) => {
                        op.persons_written = response.persons;
                        op.response = Some(response);
                    }
                    Err(e) => {
                        tracing::warn!(seed, error = %e, "seeding failed");
                        op.error = Some(pb::OperationError { reason: e.reason().to_owned(), message: e.to_string() });
                    }
                }
            });
        });
        first
    }

    /// The operation named `name`.
    pub fn get(&self, name: &str) -> Result<watch::Receiver<pb::SeedOperation>, ApiError> {
        let operations = self.0.lock().unwrap_or_else(|p| p.into_inner());
        operations.get(name.trim()).map(watch::Sender::subscribe).ok_or_else(|| {
            ApiError::not_found(
                "OPERATION_NOT_FOUND",
                format!("no operation {name:?} was started since the gateway began"),
            )
            .field("name", "operations/seed-<seed>, as StartSeedPopulation answered")
        })
    }
}

/// The operation's state now, then after each change, ending once it is done.
pub fn watch(mut state: watch::Receiver<pb::SeedOperation>) -> Watching {
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        loop {
            let now = state.borrow_and_update().clone();
            let done = now.done;
            let sent = sender.send(Ok(pb::WatchSeedOperationResponse { operation: Some(now) })).await;
            // Ends when done, when the watcher has gone, or when the operation is dropped.
            if sent.is_err() || done || state.changed().await.is_err() {
                return;
            }
        }
    });
    Box::pin(tokio_stream::wrappers::ReceiverStream::new(receiver))
}
