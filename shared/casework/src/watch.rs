//! The live view of one case (the "personal cabinet"): its history from a sequence number on,
//! then every new event as it is committed. A change made in this process wakes the watchers at
//! once; changes made by other replicas are seen by polling, so the watch works across them.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use platform::store::Db;
use proto::housing::common::v1::StageEvent;
use tokio::sync::{Notify, watch};
use tokio_stream::Stream;
use tonic::Status;

use crate::history;

/// How often a watch looks for events written by other replicas.
pub const POLL: Duration = Duration::from_secs(1);

/// Events read at a time.
const BATCH: i64 = 100;

/// A stream of a service's watch responses.
pub type Events<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

/// Streams the events of case `id` after the sequence number a watch request gave (refused
/// below zero), each wrapped by `wrap`, until the client goes away or the server shuts down.
pub fn stream_after<T: Send + 'static>(
    db: Db,
    id: i64,
    after_sequence: i64,
    changed: Arc<Notify>,
    shutdown: watch::Receiver<bool>,
    wrap: fn(StageEvent) -> T,
) -> Result<Events<T>, platform::ApiError> {
    if after_sequence < 0 {
        return Err(platform::ApiError::bad_field("SEQUENCE_INVALID", "after_sequence", "zero or more"));
    }
    Ok(stream(db, id, after_sequence, changed, shutdown, wrap))
}

/// Streams the events of case `id` after `after`, each wrapped by `wrap`, until the client goes
/// away or the server shuts down.
fn stream<T: Send + 'static>(
    db: Db,
    id: i64,
    mut after: i64,
    changed: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
    wrap: fn(StageEvent) -> T,
) -> Events<T> {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let woken = changed.notified();
            match history::events(&db, id, after, BATCH).await {
                Ok(events) => {
                    for e in &events {
                        after = e.sequence;
                        if tx.send(Ok(wrap(e.to_proto()))).await.is_err() {
                            return;
                        }
                    }
                    if i64::try_from(events.len()).unwrap_or(0) == BATCH {
                        continue;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(Status::from(e))).await;
                    return;
                }
            }
            tokio::select! {
                () = woken => {}
                () = tokio::time::sleep(POLL) => {}
                () = tx.closed() => return,
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
        }
    });
    Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx))
}
