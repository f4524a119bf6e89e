//! Storage of the exchange services: consents, the authority's keys and certificates,
//! one-time passwords, notifications, stage reports, and the processing log.

use chrono::{DateTime, Utc};
use kz_ids::Iin;
use platform::store::{Command, store_error};
use platform::{ApiError, on_backend};

use crate::store::Registers;

/// A consent on record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRow {
    /// Whose.
    pub iin: String,
    /// The purpose.
    pub purpose: String,
    /// Given at.
    pub granted_at: DateTime<Utc>,
    /// Withdrawn at.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// A stored one-time password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpRow {
    /// The code's hash.
    pub code_hash: Vec<u8>,
    /// The code itself, kept in the dev profile only.
    pub dev_code: Option<String>,
    /// Expires at.
    pub expires_at: DateTime<Utc>,
    /// Attempts left.
    pub attempts_left: i64,
    /// Whether it was used.
    pub used: bool,
}

/// A stored notification.
pub type NotificationRow = (String, String, String, String, String, String, String, String, String, DateTime<Utc>);
/// A stored stage report.
/// A stored stage report: id, service, case, stage, when, channel, reporter, recorded at, then
/// the service's register code, the provider's BIN, the stage's due day, the result, its
/// ground and the place the case is decided.
pub type StageRow = (
    String,
    String,
    String,
    String,
    DateTime<Utc>,
    String,
    String,
    DateTime<Utc>,
    String,
    String,
    String,
    String,
    String,
    String,
);
/// A processing-log entry: client, method, fields, case, purpose, end user, time, and the filing's
/// name when the case is a link's.
pub type ProcessingRow = (String, String, String, String, String, String, DateTime<Utc>, String);

pub use crate::domain::CONSENT_PURPOSES as PURPOSES;

impl Registers {
    /// A secret of the gateway's, created on first use and kept across restarts.
    pub async fn secret(&self, name: &str) -> Result<[u8; 32], ApiError> {
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh).map_err(|e| ApiError::internal(format!("randomness: {e}")))?;
        // Whoever inserts first wins, on any number of replicas; everyone reads that one.
        on_backend!(self.db().writer(), |pool| sqlx::query(
            "INSERT INTO gateway_keys (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING"
        )
        .bind(name)
        .bind(fresh.to_vec())
        .execute(pool)
        .await
        .map(|_| ()))
        .map_err(store_error)?;
        let (secret,): (Vec<u8>,) =
            on_backend!(self.db().writer(), |pool| sqlx::query_as("SELECT secret FROM gateway_keys WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await)
            .map_err(store_error)?;
        secret.try_into().map_err(|_| ApiError::internal(format!("key {name} is not 32 bytes")))
    }

    /// A person's consent for a purpose.
    pub async fn consent(&self, iin: Iin, purpose: &str) -> Result<Option<ConsentRow>, ApiError> {
        let row: Option<(DateTime<Utc>, Option<DateTime<Utc>>)> =
            on_backend!(self.db().reader(), |pool| sqlx::query_as(
                "SELECT granted_at, withdrawn_at FROM consents WHERE iin = $1 AND purpose = $2"
            )
            .bind(iin.to_string())
            .bind(purpose)
            .fetch_optional(pool)
            .await)
            .map_err(store_error)?;
        Ok(row.map(|(granted_at, withdrawn_at)| ConsentRow {
            iin: iin.to_string(),
            purpose: purpose.to_owned(),
            granted_at,
            withdrawn_at,
        }))
    }

    /// Records or withdraws a consent, with its audit row.
    pub async fn set_consent(
        &self,
        command: Command,
        iin: Iin,
        purpose: &str,
        give: bool,
    ) -> Result<Option<ConsentRow>, ApiError> {
        let (who, what) = (iin.to_string(), purpose.to_owned());
        self.db()
            .transact::<(), _>(command, move |tx| {
                Box::pin(async move {
                    let now = tx.now();
                    if give {
                        on_backend!(tx.conn(), |c| sqlx::query(
                            "INSERT INTO consents (iin, purpose, granted_at) VALUES ($1, $2, $3) \
                             ON CONFLICT (iin, purpose) DO UPDATE SET granted_at = \
                             CASE WHEN consents.withdrawn_at IS NULL THEN consents.granted_at ELSE excluded.granted_at END, \
                             withdrawn_at = NULL"
                        )
                        .bind(&who)
                        .bind(&what)
                        .bind(now)
                        .execute(c)
                        .await
                        .map(|_| ()))
                        .map_err(store_error)?;
                    } else {
                        on_backend!(tx.conn(), |c| sqlx::query(
                            "UPDATE consents SET withdrawn_at = $3 WHERE iin = $1 AND purpose = $2 AND withdrawn_at IS NULL"
                        )
                        .bind(&who)
                        .bind(&what)
                        .bind(now)
                        .execute(c)
                        .await
                        .map(|_| ()))
                        .map_err(store_error)?;
                    }
                    let reason = if give { "consent given" } else { "consent withdrawn" };
                    tx.audit(&format!("consents/{who}/{what}"), reason).await?;
                    Ok(())
                })
            })
            .await?;
        self.consent(iin, purpose).await
    }

    /// Stores a certificate issued to `holder` (an IIN, or an organization's BIN: the column
    /// keeps either).
    pub async fn store_certificate(
        &self,
        command: Command,
        serial: &str,
        holder: &str,
        encoded: Vec<u8>,
        not_after: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let (serial, who) = (serial.to_owned(), holder.to_owned());
        self.db()
            .transact::<(), _>(command, move |tx| {
                Box::pin(async move {
                    on_backend!(tx.conn(), |c| sqlx::query(
                        "INSERT INTO certificates (serial, iin, encoded, not_after) VALUES ($1, $2, $3, $4)"
                    )
                    .bind(&serial)
                    .bind(&who)
                    .bind(&encoded)
                    .bind(not_after)
                    .execute(c)
                    .await
                    .map(|_| ()))
                    .map_err(store_error)?;
                    tx.audit(&format!("certificates/{serial}"), &format!("certificate issued to {who}")).await
                })
            })
            .await
            .map(|_| ())
    }

    /// A person's newest certificate valid at `now` and not revoked, encoded.
    pub async fn current_certificate(&self, iin: Iin, now: DateTime<Utc>) -> Result<Option<Vec<u8>>, ApiError> {
        let row: Option<(Vec<u8>,)> = on_backend!(self.db().reader(), |pool| sqlx::query_as(
            "SELECT encoded FROM certificates WHERE iin = $1 AND revoked_at IS NULL AND not_after > $2 ORDER BY not_after DESC LIMIT 1"
        )
        .bind(iin.to_string())
        .bind(now)
        .fetch_optional(pool)
        .await)
        .map_err(store_error)?;
        Ok(row.map(|(e,)| e))
    }

    /// A certificate's subject, expiry and revocation.
    pub async fn certificate(
        &self,
        serial: &str,
    ) -> Result<Option<(String, DateTime<Utc>, Option<DateTime<Utc>>)>, ApiError> {
        on_backend!(self.db().reader(), |pool| sqlx::query_as(
            "SELECT iin, not_after, revoked_at FROM certificates WHERE serial = $1"
        )
        .bind(serial)
        .fetch_optional(pool)
        .await)
        .map_err(store_error)
    }

    /// Revokes a certificate; answers when it was revoked (the first time).
    pub async fn revoke(
        &self,
        command: Command,
        serial: &str,
        reason: &str,
    ) -> Result<Option<DateTime<Utc>>, ApiError> {
        let (serial, reason) = (serial.to_owned(), reason.to_owned());
        let s = serial.clone();
        self.db()
            .transact::<(), _>(command, move |tx| {
                Box::pin(async move {
                    let now = tx.now();
                    on_backend!(tx.conn(), |c| sqlx::query(
                        "UPDATE certificates SET revoked_at = $2, revocation_reason = $3 WHERE serial = $1 AND revoked_at IS NULL"
                    )
                    .bind(&serial)
                    .bind(now)
                    .bind(&reason)
                    .execute(c)
                    .await
                    .map(|_| ()))
                    .map_err(store_error)?;
                    tx.audit(&format!("certificates/{serial}"), &format!("revoked: {reason}")).await
                })
            })
            .await?;
        Ok(self.certificate(&s).await?.and_then(|(_, _, revoked)| revoked))
    }

    /// The revocation list, oldest first.
    pub async fn revoked(&self) -> Result<Vec<(String, DateTime<Utc>, String)>, ApiError> {
        on_backend!(self.db().reader(), |pool| sqlx::query_as(
            "SELECT serial, revoked_at, COALESCE(revocation_reason, '') FROM certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at, serial"
        )
        .fetch_all(pool)
        .await)
        .map_err(store_error)
    }

    /// Stores a one-time password for (IIN, digest), replacing the last one, unless `limit`
    /// passwords were issued for them in the window of `window_s` seconds now running: then
    /// answers when the window ends (Unix seconds) and stores nothing. The count is checked
    /// and raised in the statement that issues, so concurrent requests cannot pass it.
    pub async fn store_otp(
        &self,
        command: Command,
        iin: Iin,
        digest: &str,
        row: OtpRow,
        (limit, window_s): (i64, i64),
    ) -> Result<Result<(), i64>, ApiError> {
        let (who, digest) = (iin.to_string(), digest.to_owned());
        let now_s = self.db().clock().now().timestamp();
        let window_ends: std::sync::Arc<std::sync::Mutex<Option<i64>>> = Default::default();
        let limited = window_ends.clone();
        let outcome = self
            .db()
            .transact::<(), _>(command, move |tx| {
                Box::pin(async move {
                    let issued: Option<(i64,)> = on_backend!(tx.conn(), |c| sqlx::query_as(
                        "INSERT INTO otps (iin, digest, code_hash, dev_code, expires_at, attempts_left, used, window_started_s, issued_in_window) \
                         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, 1) \
                         ON CONFLICT (iin, digest) DO UPDATE SET code_hash = excluded.code_hash, dev_code = excluded.dev_code, \
                         expires_at = excluded.expires_at, attempts_left = excluded.attempts_left, used = 0, \
                         issued_in_window = CASE WHEN otps.window_started_s > $7 - $9 THEN otps.issued_in_window + 1 ELSE 1 END, \
                         window_started_s = CASE WHEN otps.window_started_s > $7 - $9 THEN otps.window_started_s ELSE $7 END \
                         WHERE NOT (otps.window_started_s > $7 - $9 AND otps.issued_in_window >= $8) \
                         RETURNING issued_in_window"
                    )
                    .bind(&who)
                    .bind(&digest)
                    .bind(&row.code_hash)
                    .bind(&row.dev_code)
                    .bind(row.expires_at)
                    .bind(row.attempts_left)
                    .bind(now_s)
                    .bind(limit)
                    .bind(window_s)
                    .fetch_optional(c)
                    .await)
                    .map_err(store_error)?;
                    if issued.is_none() {
                        let (started,): (i64,) = on_backend!(tx.conn(), |c| sqlx::query_as(
                            "SELECT window_started_s FROM otps WHERE iin = $1 AND digest = $2"
                        )
                        .bind(&who)
                        .bind(&digest)
                        .fetch_one(c)
                        .await)
                        .map_err(store_error)?;
                        *limited.lock().unwrap_or_else(|p| p.into_inner()) = Some(started + window_s);
                        return Err(ApiError::resource_exhausted("OTP_ISSUE_LIMIT", "rolled back: nothing issued"));
                    }
                    // The code itself is never written to the audit or the logs.
                    tx.audit(&format!("otps/{who}"), "one-time password issued").await
                })
            })
            .await;
        if let Some(ends) = *window_ends.lock().unwrap_or_else(|p| p.into_inner()) {
            return Ok(Err(ends));
        }
        outcome.map(|_| Ok(()))
    }

    /// The one-time password for (IIN, digest).
    pub async fn otp(&self, iin: Iin, digest: &str) -> Result<Option<OtpRow>, ApiError> {
        type Row = (Vec<u8>, Option<String>, DateTime<Utc>, i64, i64);
        let row: Option<Row> = on_backend!(self.db().reader(), |pool| sqlx::query_as(
            "SELECT code_hash, dev_code, expires_at, attempts_left, used FROM otps WHERE iin = $1 AND digest = $2"
        )
        .bind(iin.to_string())
        .bind(digest)
        .fetch_optional(pool)
        .await)
        .map_err(store_error)?;
        Ok(row.map(|(code_hash, dev_code, expires_at, attempts_left, used)| OtpRow {
            code_hash,
            dev_code,
            expires_at,
            attempts_left,
            used: used != 0,
        }))
    }

    /// Evaluates one attempt: in one statement, spends an attempt and uses the password up
    /// when `code_hash` matches, only while attempts are left and it is unused, so a
    /// concurrent burst evaluates at most the attempts there are. Answers (matched, attempts
    /// left), or `None` when no attempt could be spent.
    pub async fn spend_otp(
        &self,
        command: Command,
        iin: Iin,
        digest: &str,
        code_hash: Vec<u8>,
    ) -> Result<Option<(bool, i64)>, ApiError> {
        let (who, digest) = (iin.to_string(), digest.to_owned());
        let spent: std::sync::Arc<std::sync::Mutex<Option<(bool, i64)>>> = Default::default();
        let answer = spent.clone();
        let outcome = self
            .db()
            .transact::<(), _>(command, move |tx| {
                Box::pin(async move {
                    let row: Option<(i64, i64)> = on_backend!(tx.conn(), |c| sqlx::query_as(
                        "UPDATE otps SET attempts_left = attempts_left - 1, \
                         used = CASE WHEN code_hash = $3 THEN 1 ELSE 0 END \
                         WHERE iin = $1 AND digest = $2 AND used = 0 AND attempts_left > 0 \
                         RETURNING used, attempts_left"
                    )
                    .bind(&who)
                    .bind(&digest)
                    .bind(&code_hash)
                    .fetch_optional(c)
                    .await)
                    .map_err(store_error)?;
                    let Some((used, left)) = row else {
                        return Err(ApiError::failed_precondition("OTP_NOT_SPENDABLE", "rolled back: nothing spent"));
                    };
                    *answer.lock().unwrap_or_else(|p| p.into_inner()) = Some((used != 0, left));
                    tx.audit(
                        &format!("otps/{who}"),
                        if used != 0 { "one-time password used" } else { "wrong one-time password" },
                    )
                    .await
                })
            })
            .await;
        let spent = *spent.lock().unwrap_or_else(|p| p.into_inner());
        match (outcome, spent) {
            (Ok(_), spent) => Ok(spent),
            (Err(e), None) if e.reason() == "OTP_NOT_SPENDABLE" => Ok(None),
            (Err(e), _) => Err(e),
        }
    }

    /// Stores a notification once per (sender, message id); answers the stored one and whether
    /// it was already there.
    pub async fn store_notification(
        &self,
        command: Command,
        row: NotificationRow,
        payload: Vec<u8>,
    ) -> Result<(NotificationRow, bool), ApiError> {
        let (sender, message_id) = (row.7.clone(), row.8.clone());
        let inserted = self
            .db()
            .transact::<bool, _>(command, move |tx| {
                Box::pin(async move {
                    if !tx.accept_once(&row.7, &row.8, &payload).await? {
                        tx.audit(&format!("notifications/{}", row.0), "redelivery dropped").await?;
                        return Ok(false);
                    }
                    let n = on_backend!(tx.conn(), |c| sqlx::query(
                        "INSERT INTO notifications (id, recipient, channel, text_kk, text_ru, text_en, case_name, sender, message_id, sent_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (sender, message_id) DO NOTHING"
                    )
                    .bind(&row.0)
                    .bind(&row.1)
                    .bind(&row.2)
                    .bind(&row.3)
                    .bind(&row.4)
                    .bind(&row.5)
                    .bind(&row.6)
                    .bind(&row.7)
                    .bind(&row.8)
                    .bind(row.9)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected()))
                    .map_err(store_error)?;
                    let what = if n == 1 { "notification stored" } else { "redelivery dropped" };
                    tx.audit(&format!("notifications/{}", row.0), what).await?;
                    Ok(n == 1)
                })
            })
            .await?
            .response;
        let stored: NotificationRow = on_backend!(self.db().reader(), |pool| sqlx::query_as(
            "SELECT id, recipient, channel, text_kk, text_ru, text_en, case_name, sender, message_id, sent_at \
             FROM notifications WHERE sender = $1 AND message_id = $2"
        )
        .bind(&sender)
        .bind(&message_id)
        .fetch_one(pool)
        .await)
        .map_err(store_error)?;
        Ok((stored, !inserted))
    }

    /// A recipient's notifications, newest first, from `offset`.
    pub async fn notifications(
        &self,
        recipient: &str,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<NotificationRow>, ApiError> {
        on_backend!(self.db().reader(), |pool| sqlx::query_as(
            "SELECT id, recipient, channel, text_kk, text_ru, text_en, case_name, sender, message_id, sent_at \
             FROM notifications WHERE recipient = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3"
        )
        .bind(recipient)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await)
        .map_err(store_error)
    }

    /// Stores a stage report once per (reporter, message id).
    pub async fn store_stage(
        &self,
        command: Command,
        row: StageRow,
        message_id: &str,
        payload: Vec<u8>,
    ) -> Result<(StageRow, bool), ApiError> {
        let (reporter, message_id) = (row.6.clone(), message_id.to_owned());
        let m = message_id.clone();
        let inserted = self
            .db()
            .transact::<bool, _>(command, move |tx| {
                Box::pin(async move {
                    if !tx.accept_once(&row.6, &m, &payload).await? {
                        tx.audit(&row.2, "redelivery dropped").await?;
                        return Ok(false);
                    }
                    let n = on_backend!(tx.conn(), |c| sqlx::query(
                        "INSERT INTO stage_reports (id, service, case_name, stage, occurred_at, channel, reporter, message_id, recorded_at, \
                         service_code, provider_bin, due_date, result, ground, place) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (reporter, message_id) DO NOTHING"
                    )
                    .bind(&row.0)
                    .bind(&row.1)
                    .bind(&row.2)
                    .bind(&row.3)
                    .bind(row.4)
                    .bind(&row.5)
                    .bind(&row.6)
                    .bind(&m)
                    .bind(row.7)
                    .bind(&row.8)
                    .bind(&row.9)
                    .bind(&row.10)
                    .bind(&row.11)
                    .bind(&row.12)
                    .bind(&row.13)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected()))
                    .map_err(store_error)?;
                    let what = if n == 1 { "stage reported" } else { "redelivery dropped" };
                    tx.audit(&row.2, what).await?;
                    Ok(n == 1)
                })
            })
            .await?
            .response;
        let stored: StageRow = on_backend!(self.db().reader(), |pool| sqlx::query_as(
            "SELECT id, service, case_name, stage, occurred_at, channel, reporter, recorded_at, service_code, provider_bin, due_date, result, ground, place FROM stage_reports \
             WHERE reporter = $1 AND message_id = $2"
        )
        .bind(&reporter)
        .bind(&message_id)
        .fetch_one(pool)
        .await)
        .map_err(store_error)?;
        Ok((stored, !inserted))
    }

    /// Every stage report of the cases with a report from `from` to `to` (inclusive instants),
    /// of `service` when named, in the order recorded: what the compliance report and the
    /// statistics count.
    pub async fn stages_of_period(
        &self,
        service: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StageRow>, ApiError> {
        on_backend!(self.db().reader(), |pool| sqlx::query_as(
            "SELECT id, service, case_name, stage, occurred_at, channel, reporter, recorded_at, service_code, provider_bin, due_date, result, ground, place \
             FROM stage_reports WHERE case_name IN (SELECT case_name FROM stage_reports WHERE occurred_at >= $1 AND occurred_at <= $2 \
             AND ($3 = '' OR service = $3)) AND occurred_at <= $2 ORDER BY seq"
        )
        .bind(from)
        .bind(to)
        .bind(service)
        .fetch_all(pool)
        .await)
        .map_err(store_error)
    }

    /// Stage reports of a case, or of a service, in the order recorded.
    pub async fn stages(
        &self,
        case_name: &str,
        service: &str,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<StageRow>, ApiError> {
        let (sql, key) = if case_name.is_empty() {
            (
                "SELECT id, service, case_name, stage, occurred_at, channel, reporter, recorded_at, service_code, provider_bin, due_date, result, ground, place FROM stage_reports \
                 WHERE service = $1 ORDER BY seq LIMIT $2 OFFSET $3",
                service,
            )
        } else {
            (
                "SELECT id, service, case_name, stage, occurred_at, channel, reporter, recorded_at, service_code, provider_bin, due_date, result, ground, place FROM stage_reports \
                 WHERE case_name = $1 ORDER BY seq LIMIT $2 OFFSET $3",
                case_name,
            )
        };
        on_backend!(self.db().reader(), |pool| sqlx::query_as(sql)
            .bind(key)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await)
        .map_err(store_error)
    }

    /// Reads of a person's data, newest first; a filing's reads under the case it opened, with
    /// the filing's name.
    pub async fn processing_log(&self, iin: Iin, offset: i64, limit: i64) -> Result<Vec<ProcessingRow>, ApiError> {
        on_backend!(self.db().reader(), |pool| sqlx::query_as(
            "SELECT p.client, p.method, p.fields, COALESCE(l.case_name, p.case_name), p.purpose, p.user_iin, p.read_at, \
             CASE WHEN l.case_name IS NULL THEN '' ELSE p.case_name END \
             FROM processing_log p LEFT JOIN case_links l ON l.client = p.client AND l.filed_as = p.case_name \
             WHERE p.iin = $1 ORDER BY p.seq DESC LIMIT $2 OFFSET $3"
        )
        .bind(iin.to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await)
        .map_err(store_error)
    }

    /// Files the reads `client` made under `filed_as` under `case_name`; a second link of the
    /// same filing changes nothing.
    pub async fn link_case(&self, client: &str, filed_as: &str, case_name: &str) -> Result<(), ApiError> {
        on_backend!(self.db().writer(), |pool| sqlx::query(
            "INSERT INTO case_links (client, filed_as, case_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        )
        .bind(client)
        .bind(filed_as)
        .bind(case_name)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
        .map_err(store_error)?;
        Ok(())
    }
}
