//! Refused calls made visible. A caller whose identity was proven but who may not do what it
//! asked leaves an audit row in the store of the service it called; the rows are written in
//! batches, so a flood of refused calls does not become a flood of durable writes. Attempts
//! with no proven identity are logged and counted only (they name nobody to audit).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::principal::{Principal, Subsystem};
use crate::store::Db;

/// Refusals waiting to be written, at most; beyond it they are counted and dropped.
pub const QUEUE: usize = 4096;

/// Refusals written in one transaction, at most.
pub const BATCH: usize = 256;

/// How long the writer gathers refusals before writing a batch.
pub const GATHER: Duration = Duration::from_millis(500);

/// One refused call of a verified caller.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// Who called.
    pub principal: Principal,
    /// The method's full path.
    pub path: String,
    /// The refusal's reason and message.
    pub reason: String,
}

/// The batched audit of refused calls.
#[derive(Debug)]
pub struct RefusalAudit {
    tx: mpsc::Sender<Refusal>,
    rx: Mutex<Option<mpsc::Receiver<Refusal>>>,
    stores: Mutex<Vec<(Subsystem, Db)>>,
    dropped: AtomicU64,
}

impl Default for RefusalAudit {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        RefusalAudit { tx, rx: Mutex::new(Some(rx)), stores: Mutex::default(), dropped: AtomicU64::new(0) }
    }
}

impl RefusalAudit {
    /// Where refusals of calls to `subsystem` are audited.
    pub fn attach(&self, subsystem: Subsystem, db: Db) {
        self.stores.lock().unwrap_or_else(|p| p.into_inner()).push((subsystem, db));
    }

    /// Queues a refusal; never waits.
    pub fn record(&self, refusal: Refusal) {
        if self.tx.try_send(refusal).is_err() {
            let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::warn!(refusals_not_audited_total = dropped, "refusal audit queue full: refusal logged only");
        }
    }

    /// Writes queued refusals in batches until `shutdown`, then what is left.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let Some(mut rx) = self.rx.lock().unwrap_or_else(|p| p.into_inner()).take() else { return };
        loop {
            let first = tokio::select! {
                next = rx.recv() => next,
                _ = shutdown.wait_for(|stop| *stop) => None,
            };
            let Some(first) = first else { break };
            let mut batch = vec![first];
            let gather = tokio::time::sleep(GATHER);
            tokio::pin!(gather);
            while batch.len() < BATCH {
                tokio::select! {
                    next = rx.recv() => match next { Some(r) => batch.push(r), None => break },
                    () = &mut gather => break,
                }
            }
            self.write(batch).await;
        }
        let mut rest = Vec::new();
        while let Ok(r) = rx.try_recv() {
            rest.push(r);
        }
        if !rest.is_empty() {
            self.write(rest).await;
        }
    }

    async fn write(&self, batch: Vec<Refusal>) {
        let stores = self.stores.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for (subsystem, db) in &stores {
            let rows: Vec<(Principal, String, String)> = batch
                .iter()
                .filter(|r| crate::identity::serving(&r.path) == Some(*subsystem))
                .map(|r| (r.principal.clone(), r.path.clone(), r.reason.clone()))
                .collect();
            if rows.is_empty() {
                continue;
            }
            if let Err(e) = db.audit_refusals(&rows).await {
                tracing::warn!(error = %e, rows = rows.len(), "refusals could not be audited");
            }
        }
    }
}
