//! The reads every kind of case answers the same way, over the kind's [`CaseKind`]: one case
//! if the caller may see it (`Get…`), the page of cases the caller may see (`List…`), and the
//! page of overdue ones (`ListOverdue`). A service's handler converts the request, calls one of
//! these and shows the rows it answers.

use chrono::{DateTime, Utc};
use platform::store::Db;
use platform::{ApiError, Principal};

use crate::case::CaseKind;
use crate::rows::CaseRow as _;

/// The case of kind `K` that `name` names (read from the request's `field`), if `principal` may
/// see it: one it may not see is answered exactly like a missing one. A read by the contact
/// centre is recorded in the person's processing log ([`crate::disclosure`]).
pub async fn visible<K: CaseKind>(db: &Db, principal: &Principal, name: &str, field: &str) -> Result<K::Row, ApiError> {
    let id = crate::fields::id_of(name, K::COLLECTION, field)?;
    let row: K::Row = crate::rows::one(db, id).await?.ok_or_else(|| K::not_found(id))?;
    let case = row.holder();
    if !crate::access::may_see(principal, &case) {
        return Err(K::not_found(id));
    }
    if crate::disclosure::logged(principal) {
        crate::disclosure::record(db, principal, &K::name(id), case.applicant, &[K::NOUN]).await?;
    }
    Ok(row)
}

/// A page of the cases of kind `K` that `principal` may see, newest first, as the contract lists
/// them (`List…`): the filter, `page_size` and `page_token` as the request gave them; answers the
/// cases' ids and the next page's token, and records the disclosure of the list.
pub async fn visible_page<K: CaseKind>(
    db: &Db,
    principal: &platform::Principal,
    filter_text: &str,
    page_size: i32,
    page_token: &str,
) -> Result<(Vec<i64>, String), ApiError> {
    let limit = crate::paging::page_size(page_size)?;
    let after = crate::paging::after(page_token)?;
    let mut conditions = crate::listing::filter(filter_text, K::FILTER)?;
    let scope = crate::access::scope(principal);
    if !crate::listing::scoped(&mut conditions, &scope, K::SCOPED_BY) {
        return Ok((Vec::new(), String::new()));
    }
    let rows = crate::listing::newest(db, &conditions, after, limit + 1).await?;
    let (page, next) = crate::paging::paged(rows, limit, |(id, at)| crate::paging::page_token(*at, *id));
    crate::disclosure::listed(db, principal, &scope, K::COLLECTION, page.len()).await?;
    Ok((page.into_iter().map(|(id, _)| id).collect(), next))
}

/// A page of a kind's overdue cases as the contract lists them (`ListOverdue`): `page_size` and
/// `page_token` as the request gave them; answers the cases' ids, longest overdue first, and the
/// next page's token.
pub async fn overdue_page<S: law::Stage>(
    db: &Db,
    now: DateTime<Utc>,
    page_size: i32,
    page_token: &str,
) -> Result<(Vec<i64>, String), ApiError> {
    let limit = crate::paging::page_size(page_size)?;
    let after = crate::paging::after(page_token)?;
    let rows = crate::listing::overdue(db, now, &law::stage::closed_codes::<S>(), after, limit + 1).await?;
    let (page, next) = crate::paging::paged(rows, limit, |(id, at)| crate::paging::page_token(*at, *id));
    Ok((page.into_iter().map(|(id, _)| id).collect(), next))
}
