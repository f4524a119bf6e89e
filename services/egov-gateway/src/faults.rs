//! Fault injection (dev profile, through `AdminService`), per method, off by default: added
//! latency, a rate of UNAVAILABLE, records reported missing, certificates revoked, consent
//! withdrawn. The housing services' retry, deadline and refusal paths are tested with them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use platform::ApiError;

/// A kind of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Adds this delay.
    Latency(Duration),
    /// Answers UNAVAILABLE on this many calls in a thousand (spread evenly).
    Unavailable(u32),
    /// Reports records missing.
    NoRecord,
    /// Reports every certificate revoked.
    RevokedCertificate,
    /// Reports every consent withdrawn.
    ConsentWithdrawn,
    /// Refuses every call with FAILED_PRECONDITION, a permanent error.
    Refused,
}

#[derive(Debug)]
struct Injected {
    method: String,
    fault: Fault,
    calls: u64,
}

/// The faults in force.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    list: Arc<Mutex<Vec<Injected>>>,
}

impl Faults {
    /// Injects `fault` into `method`; answers its id.
    pub fn inject(&self, method: &str, fault: Fault) -> String {
        self.lock().push(Injected { method: method.to_owned(), fault, calls: 0 });
        uuid::Uuid::new_v4().simple().to_string()
    }

    /// Clears every fault; answers how many there were.
    pub fn clear(&self) -> usize {
        std::mem::take(&mut *self.lock()).len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Injected>> {
        self.list.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// On entering `method`: waits out injected latency, fails with an injected UNAVAILABLE.
    pub async fn enter(&self, method: &str) -> Result<(), ApiError> {
        let mut delay = Duration::ZERO;
        let (mut unavailable, mut refused) = (false, false);
        for f in self.lock().iter_mut().filter(|f| f.method == method) {
            match f.fault {
                Fault::Latency(d) => delay += d,
                Fault::Refused => refused = true,
                Fault::Unavailable(per_mille) => {
                    f.calls += 1;
                    // Evenly spread: call n fails when the running count of failures owed rises.
                    let owed = |n: u64| n * u64::from(per_mille.clamp(1, 1000)) / 1000;
                    unavailable |= owed(f.calls) > owed(f.calls - 1);
                }
                _ => {}
            }
        }
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if refused {
            return Err(ApiError::failed_precondition("FAULT_INJECTED", format!("{method}: injected refusal"))
                .meta("method", method));
        }
        if unavailable {
            return Err(ApiError::unavailable("FAULT_INJECTED", format!("{method}: injected UNAVAILABLE"))
                .meta("method", method));
        }
        Ok(())
    }

    /// Whether `method` has the fault `wanted` in force.
    pub fn has(&self, method: &str, wanted: Fault) -> bool {
        self.lock().iter().any(|f| f.method == method && f.fault == wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_rate_of_unavailable_is_spread_evenly() {
        let faults = Faults::default();
        faults.inject("/x.Y/Z", Fault::Unavailable(250));
        let mut failed = 0;
        for _ in 0..100 {
            failed += u32::from(faults.enter("/x.Y/Z").await.is_err());
        }
        assert_eq!(failed, 25);
        assert!(faults.enter("/x.Y/Other").await.is_ok());
        assert_eq!(faults.clear(), 1);
        assert!(faults.enter("/x.Y/Z").await.is_ok());
    }

    #[tokio::test]
    async fn faults_are_per_method() {
        let faults = Faults::default();
        faults.inject("/a/B", Fault::NoRecord);
        assert!(faults.has("/a/B", Fault::NoRecord));
        assert!(!faults.has("/a/C", Fault::NoRecord));
    }
}
