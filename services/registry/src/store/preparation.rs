//! Filling a waiting list for benchmarks and tests: enrolled applications written straight
//! through the store in batches, as many as a regional list holds (Turkestan region had 68,329
//! people early in 2025, the national lists 953,617 in August 2025), in the time a gRPC
//! enrolment per person could not (most of an hour for 500,000). The rows are those of an
//! enrolment by the sweeper's rules, without its history, findings or audit: the preparation is
//! not a state change of anyone's case, and the audit says so once per batch.

use chrono::{DateTime, Utc};
use platform::store::{Command, Db, store_error};
use platform::{ApiError, Principal, on_backend};

/// Rows a statement carries: under SQLite's limit of 32,766 bound values.
const ROWS_PER_STATEMENT: usize = 500;

/// A person to put on a list, accepted at `accepted_at`.
#[derive(Debug, Clone)]
pub struct Person {
    /// The person's IIN.
    pub iin: String,
    /// When their application was accepted: the list's order.
    pub accepted_at: DateTime<Utc>,
}

/// Writes enrolled applications for `people` on the list (`settlement`, `category`) without
/// queue entries; answers their ids, in order. Tests put them on the list one by one.
pub async fn enrolled_applications(
    db: &Db,
    settlement: &str,
    category: &str,
    people: &[Person],
) -> Result<Vec<i64>, ApiError> {
    let mut ids = Vec::with_capacity(people.len());
    for chunk in people.chunks(ROWS_PER_STATEMENT) {
        // A change owns what it writes: it may outlive the call that asked for it.
        let (settlement, category, chunk) = (settlement.to_owned(), category.to_owned(), chunk.to_vec());
        let committed = db
            .transact(preparation(), |tx| {
                Box::pin(async move {
                    let ids = insert_applications(tx, &settlement, &category, &chunk).await?;
                    tx.audit(&format!("lists/{settlement}/{category}"), "benchmark preparation: applications").await?;
                    Ok(Ids { ids })
                })
            })
            .await?;
        ids.extend(committed.response.ids);
    }
    Ok(ids)
}

/// Appends `people` to the end of the list (`settlement`, `category`), in the order given,
/// which must not come before anyone already on it; calls `progress` with the count written
/// after each batch of `batch` people.
pub async fn fill_list(
    db: &Db,
    settlement: &str,
    category: &str,
    people: &[Person],
    batch: usize,
    mut progress: impl FnMut(usize),
) -> Result<(), ApiError> {
    let mut written = 0;
    for batch in people.chunks(batch.max(1)) {
        let (settlement, category, batch) = (settlement.to_owned(), category.to_owned(), batch.to_vec());
        let count = batch.len();
        db.transact(preparation(), |tx| {
            Box::pin(async move {
                let (settlement, category) = (settlement.as_str(), category.as_str());
                let tail: Option<i64> = on_backend!(tx.conn(), |c| sqlx::query_scalar(super::queue::LAST_PLACE)
                    .bind(settlement)
                    .bind(category)
                    .fetch_optional(c)
                    .await)
                .map_err(store_error)?;
                let mut place = tail.unwrap_or(0);
                for chunk in batch.chunks(ROWS_PER_STATEMENT) {
                    let ids = insert_applications(tx, settlement, category, chunk).await?;
                    let values = (0..chunk.len())
                        .map(|i| {
                            let p = i * 4;
                            format!("(${}, $1, $2, ${}, ${}, ${}, ${})", p + 3, p + 4, p + 5, p + 5, p + 6)
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    let sql = format!(
                        "INSERT INTO queue_entries (application_id, settlement_kato, list_category, person_iin, \
                         accepted_at, enrolled_at, place) VALUES {values}"
                    );
                    let rows: Vec<(i64, &Person, i64)> = ids
                        .iter()
                        .zip(chunk)
                        .map(|(id, person)| {
                            place += 1;
                            (*id, person, place)
                        })
                        .collect();
                    on_backend!(tx.conn(), |c| {
                        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(settlement).bind(category);
                        for (id, person, place) in &rows {
                            q = q.bind(id).bind(&person.iin).bind(person.accepted_at).bind(place);
                        }
                        q.execute(c).await.map(|r| r.rows_affected())
                    })
                    .map_err(store_error)?;
                }
                tx.audit(&format!("lists/{settlement}/{category}"), "benchmark preparation: enrolments").await?;
                Ok(Ids::default())
            })
        })
        .await?;
        written += count;
        progress(written);
    }
    Ok(())
}

/// The ids a batch wrote (a message, as a change's response is).
#[derive(Clone, PartialEq, prost::Message)]
struct Ids {
    #[prost(int64, repeated, tag = "1")]
    ids: Vec<i64>,
}

fn preparation() -> Command {
    let operator =
        Principal { subsystem: platform::Subsystem::Operator, official: None, user_iin: None, representative: None };
    Command::new(operator, "job:PREPARE_LIST")
}

async fn insert_applications(
    tx: &mut platform::store::WriteTx,
    settlement: &str,
    category: &str,
    people: &[Person],
) -> Result<Vec<i64>, ApiError> {
    // Five values a row; the rest are the same for every row.
    let values = (0..people.len())
        .map(|i| {
            let p = i * 5 + 2;
            let (id, iin, at, on, due) = (p + 1, p + 2, p + 3, p + 4, p + 5);
            format!(
                "(${id}, ${iin}, 'NO_DWELLING_5Y', 'NO_DWELLING_5Y', $1, $2, 'ENROLLED', ${at}, ${at}, ${on}, \
                 5, 'WORKING_DAYS', 'ACCEPTANCE', ${at}, ${on}, ${due}, 'Annex 2 row 8', 'preparation', 1, ${at})"
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO applications (business_id, applicant_iin, case_kind, effective_case, settlement_kato, \
         list_category, stage, received_at, accepted_at, accepted_on, deadline_term, deadline_unit, \
         deadline_counted_from, deadline_counted_from_at, deadline_due_date, deadline_due_at, deadline_clause, \
         deadline_calendar_version, last_sequence, updated_at) VALUES {values} RETURNING id"
    );
    let rows: Vec<(String, &Person, String)> = people
        .iter()
        .map(|p| {
            let business_id = format!("R-{}", uuid::Uuid::new_v4().simple().to_string()[..12].to_uppercase());
            let on = calendar::hours::local(p.accepted_at).date().to_string();
            (business_id, p, on)
        })
        .collect();
    let mut ids: Vec<i64> = on_backend!(tx.conn(), |c| {
        let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).bind(settlement).bind(category);
        for (business_id, person, on) in &rows {
            q = q.bind(business_id).bind(&person.iin).bind(person.accepted_at).bind(on).bind(person.accepted_at);
        }
        q.fetch_all(c).await
    })
    .map_err(store_error)?;
    // RETURNING gives no order by the standard: ids grow with the rows' order on both backends
    // (one statement, one sequence), so sorting restores it.
    ids.sort_unstable();
    Ok(ids)
}
