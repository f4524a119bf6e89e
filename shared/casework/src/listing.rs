//! Lists of a service's applications: newest first with a filter, and the overdue ones. Both
//! answer ids with their sort keys; the service loads each application as it shows it.

use chrono::{DateTime, Utc};
use platform::store::{Db, store_error};
use platform::{ApiError, on_backend};

use crate::fields;

/// The conditions of a list: `(column, value)` pairs, all of which hold.
pub type Conditions = Vec<(&'static str, String)>;

/// A field a filter may name.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Its name in the filter, which is also its column.
    pub name: &'static str,
    /// The values it takes.
    pub values: Values,
}

/// The values a filter field takes.
#[derive(Debug, Clone, Copy)]
pub enum Values {
    /// Any text (an IIN for `applicant_iin`).
    Any,
    /// One of these codes.
    Of(&'static [&'static str]),
    /// One of a typed set's codes (a kind's stages).
    Codes(fn() -> Vec<&'static str>),
}

impl Field {
    /// A field that takes any text.
    pub const fn any(name: &'static str) -> Field {
        Field { name, values: Values::Any }
    }

    /// A field that takes one of `values`.
    pub const fn of(name: &'static str, values: &'static [&'static str]) -> Field {
        Field { name, values: Values::Of(values) }
    }

    /// The `stage` field of a case kind: one of its stages' codes.
    pub const fn stage<S: law::Stage>() -> Field {
        Field { name: "stage", values: Values::Codes(law::stage::codes::<S>) }
    }

    /// The codes it takes; empty: any text.
    fn codes(&self) -> Vec<&'static str> {
        match self.values {
            Values::Any => Vec::new(),
            Values::Of(values) => values.to_vec(),
            Values::Codes(codes) => codes(),
        }
    }
}

/// Reads a filter: `field = value` conditions joined by `AND`, over `fields`.
pub fn filter(text: &str, allowed: &[Field]) -> Result<Conditions, ApiError> {
    let mut conditions = Conditions::new();
    if text.trim().is_empty() {
        return Ok(conditions);
    }
    let bad = |why: String| ApiError::bad_field("FILTER_INVALID", "filter", why);
    for part in text.split(" AND ") {
        let (name, value) =
            part.split_once('=').ok_or_else(|| bad(format!("`{}` is not `field = value`", part.trim())))?;
        let value = value.trim().trim_matches('"').to_owned();
        let Some(field) = allowed.iter().find(|f| f.name == name.trim()) else {
            let names = allowed.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
            return Err(bad(format!("unknown field `{}`; use {names}", name.trim())));
        };
        let codes = field.codes();
        if !codes.is_empty() && !codes.contains(&value.as_str()) {
            return Err(bad(format!("{} is one of {}", field.name, codes.join(", "))));
        }
        if field.name == "applicant_iin" {
            fields::iin(&value, "filter")?;
        }
        conditions.push((field.name, value));
    }
    Ok(conditions)
}

/// Narrows a list's conditions to what a caller may see (`access::scope`): their own records
/// (`person_column`), their jurisdiction's (`jurisdiction_column`), or all. Answers false when
/// the caller may see nothing at all; a filter that asks for more than the scope finds nothing.
pub fn scoped(
    conditions: &mut Conditions,
    scope: &crate::access::Scope,
    [person_column, jurisdiction_column]: [&'static str; 2],
) -> bool {
    use crate::access::Scope;
    match scope {
        Scope::All => true,
        Scope::Nothing => false,
        Scope::Person(iin) => {
            conditions.push((person_column, iin.clone()));
            true
        }
        Scope::Jurisdiction(code) => {
            conditions.push((jurisdiction_column, code.clone()));
            true
        }
    }
}

/// Applications matching `conditions`, newest first, after the page position `after`.
pub async fn newest(
    db: &Db,
    conditions: &Conditions,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<(i64, DateTime<Utc>)>, ApiError> {
    let mut sql = String::from("SELECT id, received_at FROM applications WHERE 1 = 1");
    for (n, (column, _)) in conditions.iter().enumerate() {
        sql.push_str(&format!(" AND {column} = ${}", n + 1));
    }
    let n = conditions.len();
    if after.is_some() {
        sql.push_str(&format!(" AND (received_at < ${} OR (received_at = ${} AND id < ${}))", n + 1, n + 1, n + 2));
    }
    sql.push_str(&format!(" ORDER BY received_at DESC, id DESC LIMIT {limit}"));
    on_backend!(db.reader(), |c| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for (_, value) in conditions {
            q = q.bind(value.clone());
        }
        if let Some((at, id)) = after {
            q = q.bind(at).bind(id);
        }
        q.fetch_all(c).await
    })
    .map_err(store_error)
}

/// Applications past their deadline at `now` in a stage not in `closed`, the longest overdue
/// first, after the page position `after`.
pub async fn overdue(
    db: &Db,
    now: DateTime<Utc>,
    closed: &[&str],
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<(i64, DateTime<Utc>)>, ApiError> {
    let closed = closed.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
    let page = if after.is_some() { " AND (deadline_due_at > $2 OR (deadline_due_at = $2 AND id > $3))" } else { "" };
    let sql = format!(
        "SELECT id, deadline_due_at FROM applications WHERE stage NOT IN ({closed}) AND deadline_due_at < $1{page} \
         ORDER BY deadline_due_at, id LIMIT {limit}"
    );
    on_backend!(db.reader(), |c| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(now);
        if let Some((at, id)) = after {
            q = q.bind(at).bind(id);
        }
        q.fetch_all(c).await
    })
    .map_err(store_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[Field] =
        &[Field::of("stage", &["ENROLLED", "REFUSED"]), Field::any("applicant_iin"), Field::any("settlement_kato")];

    #[test]
    fn filters_name_known_fields_and_values_only() {
        let f = filter("stage = ENROLLED AND settlement_kato = \"751110000\"", FIELDS).unwrap();
        assert_eq!(f, vec![("stage", "ENROLLED".to_owned()), ("settlement_kato", "751110000".to_owned())]);
        assert_eq!(filter("stage = DONE", FIELDS).unwrap_err().reason(), "FILTER_INVALID");
        assert_eq!(filter("owner = x", FIELDS).unwrap_err().reason(), "FILTER_INVALID");
        assert_eq!(filter("applicant_iin = 85021530063", FIELDS).unwrap_err().reason(), "IIN_BAD_FORMAT");
        assert!(filter("", FIELDS).unwrap().is_empty());
    }
}
