//! The evidence log (DESIGN.md "The gateway's exchange model"): every exchange (the envelope,
//! the request hash, the response hash, the time) is an entry whose hash chains it to the one
//! before; the gateway signs the last entry of each batch with its Ed25519 key, and through the
//! chain that signature covers every entry before it. Beside it, the processing log records each
//! read of a person's data: who, which fields, for which case and purpose.
//!
//! One writer task per process takes the entries of concurrent calls and writes them in one
//! transaction, a batch at a time (group commit: one durable commit and one signature for many
//! calls); each call waits until its entry is durable before it answers. On PostgreSQL the batch
//! takes an advisory lock, so that replicas extend one chain.

use chrono::{DateTime, Utc};
use platform::store::{Backend, Db, store_error};
use platform::{ApiError, on_backend};
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

use crate::authority::EvidenceKey;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The most entries written in one batch.
const BATCH: usize = 512;

/// The PostgreSQL advisory lock that serializes the chain's writers.
const CHAIN_LOCK: i64 = 0x5348_414e_5952_4151;

/// One exchange to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchanged {
    /// The calling subsystem.
    pub client: String,
    /// The message id.
    pub message_id: String,
    /// The method.
    pub method: String,
    /// The case.
    pub case_name: String,
    /// The purpose.
    pub purpose: String,
    /// The request's hash.
    pub request_hash: String,
    /// The response's hash.
    pub response_hash: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// The people whose data were read, the fields read, and the end user named: the
    /// processing log's entries.
    pub read: Option<(Vec<String>, Vec<String>, String)>,
}

/// A stored entry, as the verification reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its place in the chain.
    pub sequence: i64,
    /// The exchange.
    pub exchanged: Exchanged,
    /// The previous entry's hash.
    pub previous_hash: String,
    /// This entry's hash.
    pub entry_hash: String,
    /// The batch signature, on the last entry of a batch.
    pub signature: Option<Vec<u8>>,
}

/// The time as hashed and stored: microseconds, UTC.
pub fn canonical_time(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// The hash of an entry: SHA-256 over the previous hash and every field, each ended by a zero byte.
pub fn entry_hash(previous: &str, sequence: i64, e: &Exchanged) -> String {
    let mut hasher = Sha256::new();
    let time = canonical_time(e.recorded_at).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    for part in [
        previous,
        &sequence.to_string(),
        &e.client,
        &e.message_id,
        &e.method,
        &e.case_name,
        &e.purpose,
        &e.request_hash,
        &e.response_hash,
        &time,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

/// The verdict on a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// Entries checked.
    pub entries: i64,
    /// Signatures checked.
    pub signatures: i64,
    /// The first entry that does not hold, and why.
    pub broken: Option<(i64, String)>,
}

/// Walks entries in order, continuing from (`previous_hash`, `next_sequence`): every sequence
/// in turn, every link, every hash and every signature must hold.
pub fn check(
    entries: &[Entry],
    key: &EvidenceKey,
    mut previous: String,
    mut next: i64,
    tally: &mut ChainCheck,
) -> (String, i64) {
    for entry in entries {
        if tally.broken.is_some() {
            break;
        }
        tally.entries += 1;
        let fail = |why: &str| Some((entry.sequence, why.to_owned()));
        if entry.sequence != next {
            tally.broken = Some((next, format!("entry {next} is missing (found {} next)", entry.sequence)));
            break;
        }
        if entry.previous_hash != previous {
            tally.broken = fail("its previous hash does not match the entry before it");
        } else if entry_hash(&previous, entry.sequence, &entry.exchanged) != entry.entry_hash {
            tally.broken = fail("its content does not match its hash: the record was changed");
        } else if let Some(signature) = &entry.signature {
            tally.signatures += 1;
            if !key.verifies(entry.entry_hash.as_bytes(), signature) {
                tally.broken = fail("the gateway's signature does not verify");
            }
        }
        previous = entry.entry_hash.clone();
        next += 1;
    }
    (previous, next)
}

/// Sends exchanges to the writer and waits until they are durable.
#[derive(Debug, Clone)]
pub struct EvidenceLog {
    sender: mpsc::Sender<(Exchanged, oneshot::Sender<Result<(), String>>)>,
}

impl EvidenceLog {
    /// Starts the writer over `db`, signing with `key`.
    pub fn start(db: Db, key: EvidenceKey) -> EvidenceLog {
        let (sender, receiver) = mpsc::channel(4 * BATCH);
        tokio::spawn(write_batches(db, key, receiver));
        EvidenceLog { sender }
    }

    /// Records an exchange; answers once it is durable.
    pub async fn record(&self, exchanged: Exchanged) -> Result<(), ApiError> {
        let (ack, done) = oneshot::channel();
        self.sender.send((exchanged, ack)).await.map_err(|_| ApiError::internal("the evidence writer stopped"))?;
        match done.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ApiError::unavailable(
                "EVIDENCE_UNAVAILABLE",
                format!("the evidence log could not be written: {e}"),
            )),
            Err(_) => Err(ApiError::internal("the evidence writer dropped a record")),
        }
    }
}

async fn write_batches(
    db: Db,
    key: EvidenceKey,
    mut receiver: mpsc::Receiver<(Exchanged, oneshot::Sender<Result<(), String>>)>,
) {
    while let Some(first) = receiver.recv().await {
        let (mut entries, mut acks) = (vec![first.0], vec![first.1]);
        while entries.len() < BATCH {
            match receiver.try_recv() {
                Ok((entry, ack)) => {
                    entries.push(entry);
                    acks.push(ack);
                }
                Err(_) => break,
            }
        }
        let result = write(&db, &key, &entries).await.map_err(|e| e.to_string());
        if let Err(e) = &result {
            tracing::error!(error = %e, entries = entries.len(), "evidence batch not written");
        }
        for ack in acks {
            let _ = ack.send(result.clone());
        }
    }
}

async fn write(db: &Db, key: &EvidenceKey, batch: &[Exchanged]) -> Result<(), ApiError> {
    let mut tx = db.begin().await?;
    if let Backend::Postgres(t) = &mut tx {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(CHAIN_LOCK)
            .execute(&mut **t)
            .await
            .map_err(store_error)?;
    }
    let last: Option<(i64, String)> = on_backend!(&mut tx, |t| sqlx::query_as(
        "SELECT sequence, entry_hash FROM evidence ORDER BY sequence DESC LIMIT 1"
    )
    .fetch_optional(&mut **t)
    .await)
    .map_err(store_error)?;
    let (mut sequence, mut previous) = last.unwrap_or((0, GENESIS.to_owned()));
    for (i, e) in batch.iter().enumerate() {
        sequence += 1;
        let hash = entry_hash(&previous, sequence, e);
        // One signature per batch, on its last entry.
        let signature = (i + 1 == batch.len()).then(|| key.sign(hash.as_bytes()));
        on_backend!(&mut tx, |t| sqlx::query(
            "INSERT INTO evidence (sequence, client, message_id, method, case_name, purpose, request_hash, response_hash, \
             recorded_at, previous_hash, entry_hash, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        )
        .bind(sequence)
        .bind(&e.client)
        .bind(&e.message_id)
        .bind(&e.method)
        .bind(&e.case_name)
        .bind(&e.purpose)
        .bind(&e.request_hash)
        .bind(&e.response_hash)
        .bind(canonical_time(e.recorded_at))
        .bind(&previous)
        .bind(&hash)
        .bind(signature)
        .execute(&mut **t)
        .await
        .map(|_| ()))
        .map_err(store_error)?;
        if let Some((people, fields, user_iin)) = &e.read {
            let fields = fields.join(",");
            for iin in people {
                on_backend!(&mut tx, |t| sqlx::query(
                    "INSERT INTO processing_log (iin, client, method, fields, case_name, purpose, user_iin, read_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                )
                .bind(iin)
                .bind(&e.client)
                .bind(&e.method)
                .bind(&fields)
                .bind(&e.case_name)
                .bind(&e.purpose)
                .bind(user_iin)
                .bind(canonical_time(e.recorded_at))
                .execute(&mut **t)
                .await
                .map(|_| ()))
                .map_err(store_error)?;
            }
        }
        previous = hash;
    }
    on_backend!(tx, |t| t.commit().await).map_err(store_error)
}

/// Reads up to `limit` entries after `after`, in order.
pub async fn read(db: &Db, after: i64, limit: i64) -> Result<Vec<Entry>, ApiError> {
    type Row =
        (i64, String, String, String, String, String, String, String, DateTime<Utc>, String, String, Option<Vec<u8>>);
    let rows: Vec<Row> = on_backend!(db.reader(), |pool| {
        sqlx::query_as(
        "SELECT sequence, client, message_id, method, case_name, purpose, request_hash, response_hash, recorded_at, \
         previous_hash, entry_hash, signature FROM evidence WHERE sequence > $1 ORDER BY sequence LIMIT $2"
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await
    })
    .map_err(store_error)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                sequence,
                client,
                message_id,
                method,
                case_name,
                purpose,
                request_hash,
                response_hash,
                recorded_at,
                previous_hash,
                entry_hash,
                signature,
            )| Entry {
                sequence,
                exchanged: Exchanged {
                    client,
                    message_id,
                    method,
                    case_name,
                    purpose,
                    request_hash,
                    response_hash,
                    recorded_at,
                    read: None,
                },
                previous_hash,
                entry_hash,
                signature,
            },
        )
        .collect())
}

/// Checks the whole chain, a page at a time.
pub async fn verify_chain(db: &Db, key: &EvidenceKey) -> Result<ChainCheck, ApiError> {
    let mut tally = ChainCheck { entries: 0, signatures: 0, broken: None };
    let (mut previous, mut next) = (GENESIS.to_owned(), 1);
    loop {
        let page = read(db, next - 1, 1000).await?;
        if page.is_empty() || tally.broken.is_some() {
            break;
        }
        (previous, next) = check(&page, key, previous, next, &mut tally);
    }
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(n: u32) -> Exchanged {
        Exchanged {
            client: "registry".into(),
            message_id: format!("m{n}"),
            method: "/kz.egov.gateway.v1.IdentityService/GetPerson".into(),
            case_name: "registry/applications/1".into(),
            purpose: "enrolment".into(),
            request_hash: "r".into(),
            response_hash: "s".into(),
            recorded_at: DateTime::from_timestamp(1_775_000_000, 123_456_789).unwrap(),
            read: None,
        }
    }

    fn chain(key: &EvidenceKey, n: u32) -> Vec<Entry> {
        let mut previous = GENESIS.to_owned();
        (1..=n)
            .map(|i| {
                let exchanged = exchange(i);
                let hash = entry_hash(&previous, i64::from(i), &exchanged);
                let signature = (i == n).then(|| key.sign(hash.as_bytes()));
                let entry = Entry {
                    sequence: i64::from(i),
                    exchanged,
                    previous_hash: previous.clone(),
                    entry_hash: hash.clone(),
                    signature,
                };
                previous = hash;
                entry
            })
            .collect()
    }

    fn verdict(entries: &[Entry], key: &EvidenceKey) -> ChainCheck {
        let mut tally = ChainCheck { entries: 0, signatures: 0, broken: None };
        check(entries, key, GENESIS.to_owned(), 1, &mut tally);
        tally
    }

    #[test]
    fn an_intact_chain_verifies_with_its_signature() {
        let key = EvidenceKey::new([5; 32]);
        let v = verdict(&chain(&key, 5), &key);
        assert_eq!((v.entries, v.signatures, v.broken), (5, 1, None));
    }

    #[test]
    fn a_changed_record_is_found() {
        let key = EvidenceKey::new([5; 32]);
        let mut entries = chain(&key, 5);
        entries[2].exchanged.client = "privatization".into();
        assert_eq!(verdict(&entries, &key).broken.unwrap().0, 3);
    }

    #[test]
    fn a_deleted_record_is_found() {
        let key = EvidenceKey::new([5; 32]);
        let mut entries = chain(&key, 5);
        entries.remove(1);
        assert_eq!(verdict(&entries, &key).broken.unwrap().0, 2);
    }

    #[test]
    fn a_forged_signature_is_found() {
        let key = EvidenceKey::new([5; 32]);
        let entries = chain(&EvidenceKey::new([6; 32]), 3);
        assert_eq!(verdict(&entries, &key).broken.unwrap().0, 3);
    }
}
