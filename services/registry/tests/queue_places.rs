//! Stored queue places (migration 0104) stay what counting would give, on both backends,
//! under a concurrent mix of insertions mid-list and removals ([A-QUEUE]: the list is ordered
//! by acceptance time, then application id; a removal moves everyone behind up one).
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use platform::store::{Command, Db};
use platform::testing::{TestDb, backends};
use platform::{Principal, on_backend};
use registry::store::{self, preparation::Person};

const SETTLEMENT: &str = "751110000";
const CATEGORY: &str = "GENERAL";

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 12, 4, 0, 0).unwrap() + Duration::minutes(minute)
}

fn person(n: i64, minute: i64) -> Person {
    Person { iin: format!("{n:012}"), accepted_at: at(minute) }
}

fn command() -> Command {
    Command::new(Principal::dev(), "test:queue")
}

/// Every active entry's stored place beside the place counting gives, and each removed
/// entry's place (none) with the place it held.
async fn places(db: &Db) -> (Vec<(i64, i64)>, Vec<(Option<i64>, Option<i64>)>) {
    let active: Vec<(i64, i64)> = on_backend!(db.reader(), |c| sqlx::query_as(
        "SELECT place, ROW_NUMBER() OVER (ORDER BY accepted_at, application_id) FROM queue_entries \
         WHERE settlement_kato = $1 AND list_category = $2 AND removed_at IS NULL ORDER BY accepted_at, application_id"
    )
    .bind(SETTLEMENT)
    .bind(CATEGORY)
    .fetch_all(c)
    .await)
    .unwrap();
    let removed = on_backend!(db.reader(), |c| sqlx::query_as(
        "SELECT place, last_position FROM queue_entries WHERE removed_at IS NOT NULL"
    )
    .fetch_all(c)
    .await)
    .unwrap();
    (active, removed)
}

#[tokio::test]
async fn stored_places_equal_counted_places_under_concurrent_insertions_and_removals() {
    for kind in backends().await {
        let t = TestDb::new(registry::STORE, kind.clone()).await;
        let db = t.db.clone();
        // 300 people one every two minutes, written in batches as the benchmark's preparation.
        let first: Vec<Person> = (0..300).map(|i| person(i, 2 * i)).collect();
        let mut reported = Vec::new();
        store::preparation::fill_list(&db, SETTLEMENT, CATEGORY, &first, 64, |n| reported.push(n)).await.unwrap();
        assert_eq!(reported, [64, 128, 192, 256, 300], "progress after each batch");
        assert_eq!(store::size(&db, SETTLEMENT, CATEGORY).await.unwrap(), 300);

        // 80 newcomers accepted between them (odd minutes: reviewed, deferred, reconsidered
        // enrolments land mid-list) and one at the end, put on while 60 others are removed.
        let mut newcomers: Vec<Person> = (0..80).map(|i| person(1000 + i, 7 * i + 1)).collect();
        newcomers.push(person(2000, 10_000));
        let ids = store::preparation::enrolled_applications(&db, SETTLEMENT, CATEGORY, &newcomers).await.unwrap();
        let on_list: Vec<i64> = on_backend!(db.reader(), |c| sqlx::query_scalar(
            "SELECT application_id FROM queue_entries ORDER BY application_id"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        let mut work = Vec::new();
        for (id, p) in ids.into_iter().zip(newcomers) {
            let db = db.clone();
            work.push(tokio::spawn(async move {
                db.transact(command(), move |tx| {
                    Box::pin(async move {
                        store::enqueue(tx, id, SETTLEMENT, CATEGORY, &p.iin, p.accepted_at).await?;
                        tx.audit("lists/test", "enqueued").await
                    })
                })
                .await
                .map(|_| ())
            }));
        }
        for id in on_list.iter().step_by(5).copied() {
            let db = db.clone();
            work.push(tokio::spawn(async move {
                db.transact(command(), move |tx| {
                    Box::pin(async move {
                        let place = store::remove(tx, id, "TEST", "a test removal").await?;
                        assert!(place.is_some(), "{id} was on the list");
                        tx.audit("lists/test", "removed").await
                    })
                })
                .await
                .map(|_| ())
            }));
        }
        for w in work {
            w.await.unwrap().unwrap();
        }

        let (active, removed) = places(&db).await;
        assert_eq!(active.len(), 300 + 81 - 60, "{kind:?}");
        for (stored, counted) in &active {
            assert_eq!(stored, counted, "stored place beside counted place on {kind:?}");
        }
        assert_eq!(store::size(&db, SETTLEMENT, CATEGORY).await.unwrap(), active.len() as i64);
        assert_eq!(removed.len(), 60);
        assert!(removed.iter().all(|(place, held)| place.is_none() && held.is_some_and(|h| h >= 1)));
        // A removed entry keeps the place it held; reads answer 0 for it.
        let gone = store::entry(&db, on_list[0]).await.unwrap().unwrap();
        assert_eq!((gone.position, gone.last_position), (0, Some(1)));
        t.cleanup().await;
    }
}
