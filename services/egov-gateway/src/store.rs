//! The registers' storage: the `Registers` trait the handlers use, over the platform's `Db`
//! (SQLite or PostgreSQL, the same SQL text). Writes go through `Db::transact` with their audit
//! row; reads go to the reader pool.

use chrono::NaiveDate;
use kz_ids::Iin;
use platform::store::{Command, Db, WriteTx, store_error};
use platform::{ApiError, on_backend};

use crate::domain::*;

/// A person's records as the registers answer for one look-up.
pub type Found<T> = Result<T, ApiError>;

/// What the gateway's handlers ask of storage.
#[derive(Debug, Clone)]
pub struct Registers {
    db: Db,
}

fn day(text: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| ApiError::internal(format!("stored date {text:?}: {e}")))
}

fn opt_day(text: Option<String>) -> Result<Option<NaiveDate>, ApiError> {
    text.as_deref().map(day).transpose()
}

fn iin(text: &str) -> Result<Iin, ApiError> {
    Iin::parse(text).map_err(|e| ApiError::internal(format!("stored IIN {text:?}: {e}")))
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn opt_ymd(d: Option<NaiveDate>) -> Option<String> {
    d.map(ymd)
}

type PersonRow = (String, String, String, String, String, String, String, String, Option<String>);

impl Registers {
    /// The registers in `db`.
    pub fn new(db: Db) -> Self {
        Registers { db }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// A person, or `None` when the register has no such person.
    pub async fn person(&self, who: Iin) -> Found<Option<Person>> {
        let row: Option<PersonRow> = on_backend!(self.db.reader(), |pool| sqlx::query_as(
            "SELECT iin, last_name, first_name, patronymic, birth_date, citizenship, phone, email, death_date FROM persons WHERE iin = $1"
        )
        .bind(who.to_string())
        .fetch_optional(pool)
        .await)
        .map_err(store_error)?;
        row.map(|(i, last, first, patronymic, _birth, citizenship, phone, email, death)| {
            Ok(Person {
                iin: iin(&i)?,
                last_name: last,
                first_name: first,
                patronymic,
                citizenship: Citizenship::from_code(&citizenship)
                    .ok_or_else(|| ApiError::internal(format!("citizenship {citizenship}")))?,
                phone,
                email,
                death_date: opt_day(death)?,
            })
        })
        .transpose()
    }

    /// A person, or NOT_FOUND `PERSON_NOT_FOUND`: every look-up starts here, so that "no such
    /// person" and "no record" never look alike.
    pub async fn existing(&self, who: Iin) -> Found<Person> {
        self.person(who).await?.ok_or_else(|| {
            ApiError::not_found("PERSON_NOT_FOUND", format!("the population register has no person with IIN {who}"))
                .meta("iin", who.to_string())
        })
    }

    /// A person's identity documents, newest first.
    pub async fn documents(&self, who: Iin) -> Found<Vec<IdentityDocument>> {
        let rows: Vec<(String, String, String, String, String)> = on_backend!(self.db.reader(), |pool| sqlx::query_as(
            "SELECT kind, number, issued_on, valid_until, issuer FROM identity_documents WHERE iin = $1 ORDER BY issued_on DESC, number"
        )
        .bind(who.to_string())
        .fetch_all(pool)
        .await)
        .map_err(store_error)?;
        rows.into_iter()
            .map(|(kind, number, issued, valid, issuer)| {
                Ok(IdentityDocument {
                    iin: who,
                    kind,
                    number,
                    issued_on: day(&issued)?,
                    valid_until: day(&valid)?,
                    issuer,
                })
            })
            .collect()
    }

    /// Everyone ever registered at an address, the earliest registration first.
    pub async fn residents(
        &self,
        kato: &str,
        street: &str,
        building: &str,
        apartment: &str,
    ) -> Found<Vec<AddressPeriod>> {
        let rows: Vec<(String, String, Option<String>)> = on_backend!(self.db.reader(), |pool| sqlx::query_as(
            "SELECT iin, from_date, to_date FROM addresses WHERE kato = $1 AND street = $2 AND building = $3 AND apartment = $4 \
             ORDER BY from_date, iin"
        )
        .bind(kato)
        .bind(street)
        .bind(building)
        .bind(apartment)
        .fetch_all(pool)
        .await)
        .map_err(store_error)?;
        rows.into_iter()
            .map(|(iin, from, to)| {
                let iin = Iin::parse(&iin).map_err(|e| ApiError::internal(format!("a stored IIN: {e}")))?;
                Ok(AddressPeriod {
                    iin,
                    kato: kato.to_owned(),
                    street: street.to_owned(),
                    building: building.to_owned(),
                    apartment: apartment.to_owned(),
                    from: day(&from)?,
                    to: opt_day(to)?,
                })
            })
            .collect()
    }

    /// A person's addresses, newest first, and the settlements they are in.
    pub async fn addresses(&self, who: Iin) -> Found<(Vec<AddressPeriod>, Option<Settlement>)> {
        let rows: Vec<(String, String, String, String, String, Option<String>)> = on_backend!(self.db.reader(), |pool| sqlx::query_as(
            "SELECT kato, street, building, apartment, from_date, to_date FROM addresses WHERE iin = $1 ORDER BY from_date DESC"
        )
        .bind(who.to_string())
        .fetch_all(pool)
        .await)
        .map_err(store_error)?;
        let periods = rows
            .into_iter()
            .map(|(kato, street, building, apartment, from, to)| {
                Ok(AddressPeriod { iin: who, kato, street, building, apartment, from: day(&from)?, to: opt_day(to)? })
            })
            .collect::<Found<Vec<_>>>()?;
        let settlement = match periods.iter().find(|p| p.to.is_none()) {
            None => None,
            Some(current) => {
                let row: Option<(String, String, String, String)> =
                    on_backend!(self.db.reader(), |pool| sqlx::query_as(
                        "SELECT kato, name_kk, name_ru, region_kk FROM settlements WHERE kato = $1"
                    )
                    .bind(&current.kato)
                    .fetch_optional(pool)
                    .await)
                    .map_err(store_error)?;
                row.map(|(kato, name_kk, name_ru, region_kk)| Settlement { kato, name_kk, name_ru, region_kk })
            }
        };
        Ok((periods, settlement))
    }

    /// The act records naming any of `people`, oldest first.
    pub async fn civil_records(&self, people: &[Iin]) -> Found<Vec<CivilRecord>> {
        let mut records: Vec<CivilRecord> = Vec::new();
        for who in people {
            let rows: Vec<(String, String, String, String)> = on_backend!(self.db.reader(), |pool| sqlx::query_as(
                "SELECT r.record_number, r.kind, r.event_date, r.registered_on FROM civil_records r \
                 WHERE r.record_number IN (SELECT record_number FROM civil_parties WHERE iin = $1) ORDER BY r.event_date, r.record_number"
            )
            .bind(who.to_string())
            .fetch_all(pool)
            .await)
            .map_err(store_error)?;
            for (number, kind, event, registered) in rows {
                if records.iter().any(|r| r.record_number == number) {
                    continue;
                }
                let parties: Vec<(String, String)> = on_backend!(self.db.reader(), |pool| sqlx::query_as(
                    "SELECT iin, role FROM civil_parties WHERE record_number = $1 ORDER BY role, iin"
                )
                .bind(&number)
                .fetch_all(pool)
                .await)
                .map_err(store_error)?;
                let parties = parties
                    .into_iter()
                    .map(|(i, role)| {
                        Ok((
                            iin(&i)?,
                            PartyRole::from_code(&role).ok_or_else(|| ApiError::internal(format!("role {role}")))?,
                        ))
                    })
                    .collect::<Found<Vec<_>>>()?;
                records.push(CivilRecord {
                    record_number: number,
                    kind: CivilRecordKind::from_code(&kind)
                        .ok_or_else(|| ApiError::internal(format!("kind {kind}")))?,
                    event_date: day(&event)?,
                    registered_on: day(&registered)?,
                    parties,
                });
            }
        }
        records.sort_by(|a, b| (a.event_date, &a.record_number).cmp(&(b.event_date, &b.record_number)));
        Ok(records)
    }

    /// Dwellings `who` owned at any time from `from` to `as_of`, with the ownership.
    pub async fn dwellings(&self, who: Iin, from: NaiveDate, as_of: NaiveDate) -> Found<Vec<(Dwelling, Ownership)>> {
        type Row = (String, String, String, i64, Option<String>, String, Option<String>, Option<String>, i64);
        let rows: Vec<Row> = on_backend!(self.db.reader(), |pool| sqlx::query_as(
            "SELECT d.cadastral_number, d.kato, d.address_line, d.area_decimetres, d.emergency_since, \
                    o.acquired_on, o.alienated_on, o.buyer_id, o.buyer_is_leb \
             FROM ownerships o JOIN dwellings d ON d.cadastral_number = o.cadastral_number \
             WHERE o.iin = $1 AND o.acquired_on <= $3 AND (o.alienated_on IS NULL OR o.alienated_on >= $2) \
             ORDER BY o.acquired_on, d.cadastral_number"
        )
        .bind(who.to_string())
        .bind(ymd(from))
        .bind(ymd(as_of))
        .fetch_all(pool)
        .await)
        .map_err(store_error)?;
        rows.into_iter()
            .map(|(cadastral, kato, line, area, emergency, acquired, alienated, buyer, leb)| {
                Ok((
                    Dwelling {
                        cadastral_number: cadastral.clone(),
                        kato,
                        address_line: line,
                        area_decimetres: area,
                        emergency_since: opt_day(emergency)?,
                    },
                    Ownership {
                        cadastral_number: cadastral,
                        iin: who,
                        acquired_on: day(&acquired)?,
                        alienated_on: opt_day(alienated)?,
                        buyer_id: buyer,
                        buyer_is_local_executive_body: leb != 0,
                    },
                ))
            })
            .collect()
    }

    /// A person's state-fund tenancy.
    pub async fn tenancy(&self, who: Iin) -> Found<Option<Tenancy>> {
        let row: Option<(String, String, String, String, String, i64)> = on_backend!(self.db.reader(), |pool| {
            sqlx::query_as(
            "SELECT dwelling_id, kato, fund_kind, document, document_number, arrears_tiyn FROM tenancies WHERE iin = $1"
        )
        .bind(who.to_string())
        .fetch_optional(pool)
        .await
        })
        .map_err(store_error)?;
        row.map(|(dwelling_id, kato, fund, document, number, arrears)| {
            Ok(Tenancy {
                iin: who,
                dwelling_id,
                kato,
                fund_kind: FundKind::from_code(&fund).ok_or_else(|| ApiError::internal(format!("fund {fund}")))?,
                document: TenancyDocument::from_code(&document)
                    .ok_or_else(|| ApiError::internal(format!("document {document}")))?,
                document_number: number,
                arrears_tiyn: arrears,
            })
        })
        .transpose()
    }

    /// Court decisions about `who`, or recognizing `who`, in force on `as_of`.
    pub async fn court_decisions(&self, who: Iin, as_of: NaiveDate) -> Found<Vec<CourtDecision>> {
        let rows: Vec<(String, String, String, String, Option<String>)> =
            on_backend!(self.db.reader(), |pool| sqlx::query_as(
                "SELECT case_number, iin, kind, in_force_from, in_force_until FROM court_decisions \
             WHERE (iin = $1 OR case_number IN (SELECT case_number FROM court_recognized WHERE iin = $1)) \
               AND in_force_from <= $2 AND (in_force_until IS NULL OR in_force_until >= $2) \
             ORDER BY in_force_from, case_number"
            )
            .bind(who.to_string())
            .bind(ymd(as_of))
            .fetch_all(pool)
            .await)
            .map_err(store_error)?;
        let mut decisions = Vec::new();
        for (case_number, about, kind, from, until) in rows {
            let recognized: Vec<(String,)> = on_backend!(self.db.reader(), |pool| sqlx::query_as(
                "SELECT iin FROM court_recognized WHERE case_number = $1 ORDER BY iin"
            )
            .bind(&case_number)
            .fetch_all(pool)
            .await)
            .map_err(store_error)?;
            decisions.push(CourtDecision {
                case_number,
                iin: iin(&about)?,
                kind: CourtDecisionKind::from_code(&kind)
                    .ok_or_else(|| ApiError::internal(format!("decision kind {kind}")))?,
                in_force_from: day(&from)?,
                in_force_until: opt_day(until)?,
                recognized: recognized.iter().map(|(i,)| iin(i)).collect::<Found<Vec<_>>>()?,
            });
        }
        Ok(decisions)
    }

    /// A person's social groups, every period.
    pub async fn social_groups(&self, who: Iin) -> Found<Vec<SocialGroup>> {
        let rows: Vec<(String, String, Option<String>)> = on_backend!(self.db.reader(), |pool| sqlx::query_as(
            "SELECT code, since, until FROM social_groups WHERE iin = $1 ORDER BY since, code"
        )
        .bind(who.to_string())
        .fetch_all(pool)
        .await)
        .map_err(store_error)?;
        rows.into_iter()
            .map(|(code, since, until)| Ok(SocialGroup { iin: who, code, since: day(&since)?, until: opt_day(until)? }))
            .collect()
    }

    /// A person's employment, newest first.
    pub async fn employments(&self, who: Iin) -> Found<Vec<Employment>> {
        let rows: Vec<(String, String, String, Option<String>)> = on_backend!(self.db.reader(), |pool| {
            sqlx::query_as(
            "SELECT category, employer_bin, since, until FROM employments WHERE iin = $1 ORDER BY since DESC, category"
        )
        .bind(who.to_string())
        .fetch_all(pool)
        .await
        })
        .map_err(store_error)?;
        rows.into_iter()
            .map(|(category, employer_bin, since, until)| {
                Ok(Employment { iin: who, category, employer_bin, since: day(&since)?, until: opt_day(until)? })
            })
            .collect()
    }

    /// The income of `people` in the months from `from` to `to` (`YYYY-MM`, inclusive).
    pub async fn incomes(&self, people: &[Iin], from: &str, to: &str) -> Found<Vec<MonthlyIncome>> {
        let mut out = Vec::new();
        for who in people {
            let rows: Vec<(String, i64)> = on_backend!(self.db.reader(), |pool| {
                sqlx::query_as(
                "SELECT month, amount_tiyn FROM incomes WHERE iin = $1 AND month >= $2 AND month <= $3 ORDER BY month"
            )
            .bind(who.to_string())
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await
            })
            .map_err(store_error)?;
            out.extend(rows.into_iter().map(|(month, amount_tiyn)| MonthlyIncome { iin: *who, month, amount_tiyn }));
        }
        Ok(out)
    }

    /// The seed and digest of a population already seeded, if any.
    pub async fn seeding(&self, seed: u64) -> Found<Option<(i64, String)>> {
        on_backend!(self.db.reader(), |pool| sqlx::query_as("SELECT persons, digest FROM seedings WHERE seed = $1")
            .bind(seed as i64)
            .fetch_optional(pool)
            .await)
        .map_err(store_error)
    }

    /// Puts `records` into the registers in one transaction, each replacing the record with
    /// its key; with `seeding` (seed, digest, people), the last batch of a seeding, it also
    /// records that the seed's population is complete.
    pub async fn load(&self, command: Command, records: Records, seeding: Option<(u64, String, usize)>) -> Found<i64> {
        let count = i64::try_from(records.len()).unwrap_or(i64::MAX);
        self.db
            .transact::<i64, _>(command, move |tx| {
                Box::pin(async move {
                    write_all(tx, &records).await?;
                    let reason = match &seeding {
                        Some((seed, digest, persons)) => {
                            on_backend!(tx.conn(), |c| sqlx::query(
                                "INSERT INTO seedings (seed, persons, digest) VALUES ($1, $2, $3) ON CONFLICT (seed) DO NOTHING"
                            )
                            .bind(*seed as i64)
                            .bind(*persons as i64)
                            .bind(digest)
                            .execute(c)
                            .await
                            .map(|_| ()))
                            .map_err(store_error)?;
                            format!("population seeded: seed {seed}, {persons} people, digest {digest}")
                        }
                        None => format!("{count} records loaded"),
                    };
                    tx.audit("registers", &reason).await?;
                    Ok(count)
                })
            })
            .await
            .map(|c| c.response)
    }
}

/// A value bound to a statement.
enum V {
    T(Option<String>),
    I(i64),
}

fn t(text: &str) -> V {
    V::T(Some(text.to_owned()))
}

fn od(date: Option<NaiveDate>) -> V {
    V::T(opt_ymd(date))
}

async fn exec(tx: &mut WriteTx, sql: &'static str, values: &[V]) -> Result<(), ApiError> {
    on_backend!(tx.conn(), |c| {
        let mut q = sqlx::query(sql);
        for v in values {
            q = match v {
                V::T(text) => q.bind(text.clone()),
                V::I(n) => q.bind(*n),
            };
        }
        q.execute(c).await.map(|_| ())
    })
    .map_err(store_error)
}

async fn write_all(tx: &mut WriteTx, r: &Records) -> Result<(), ApiError> {
    for x in &r.settlements {
        exec(
            tx,
            "INSERT INTO settlements (kato, name_kk, name_ru, region_kk) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (kato) DO UPDATE SET name_kk = excluded.name_kk, name_ru = excluded.name_ru, region_kk = excluded.region_kk",
            &[t(&x.kato), t(&x.name_kk), t(&x.name_ru), t(&x.region_kk)],
        )
        .await?;
    }
    for p in &r.persons {
        exec(
            tx,
            "INSERT INTO persons (iin, last_name, first_name, patronymic, birth_date, citizenship, phone, email, death_date) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (iin) DO UPDATE SET last_name = excluded.last_name, \
             first_name = excluded.first_name, patronymic = excluded.patronymic, birth_date = excluded.birth_date, \
             citizenship = excluded.citizenship, phone = excluded.phone, email = excluded.email, death_date = excluded.death_date",
            &[
                t(&p.iin.to_string()),
                t(&p.last_name),
                t(&p.first_name),
                t(&p.patronymic),
                t(&ymd(p.iin.birth_date())),
                t(p.citizenship.code()),
                t(&p.phone),
                t(&p.email),
                od(p.death_date),
            ],
        )
        .await?;
    }
    // Lists that replace a person's: clear each person's once, then insert.
    let mut cleared: Vec<(&str, Iin)> = Vec::new();
    for d in &r.documents {
        if !cleared.contains(&("documents", d.iin)) {
            exec(tx, "DELETE FROM identity_documents WHERE iin = $1", &[t(&d.iin.to_string())]).await?;
            cleared.push(("documents", d.iin));
        }
        exec(
            tx,
            "INSERT INTO identity_documents (iin, kind, number, issued_on, valid_until, issuer) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (iin, kind, number) DO NOTHING",
            &[t(&d.iin.to_string()), t(&d.kind), t(&d.number), t(&ymd(d.issued_on)), t(&ymd(d.valid_until)), t(&d.issuer)],
        )
        .await?;
    }
    for a in &r.addresses {
        if !cleared.contains(&("addresses", a.iin)) {
            exec(tx, "DELETE FROM addresses WHERE iin = $1", &[t(&a.iin.to_string())]).await?;
            cleared.push(("addresses", a.iin));
        }
        exec(
            tx,
            "INSERT INTO addresses (iin, kato, street, building, apartment, from_date, to_date) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (iin, from_date) DO NOTHING",
            &[t(&a.iin.to_string()), t(&a.kato), t(&a.street), t(&a.building), t(&a.apartment), t(&ymd(a.from)), od(a.to)],
        )
        .await?;
    }
    for c in &r.civil_records {
        exec(tx, "DELETE FROM civil_parties WHERE record_number = $1", &[t(&c.record_number)]).await?;
        exec(
            tx,
            "INSERT INTO civil_records (record_number, kind, event_date, registered_on) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (record_number) DO UPDATE SET kind = excluded.kind, event_date = excluded.event_date, registered_on = excluded.registered_on",
            &[t(&c.record_number), t(c.kind.code()), t(&ymd(c.event_date)), t(&ymd(c.registered_on))],
        )
        .await?;
        for (who, role) in &c.parties {
            exec(
                tx,
                "INSERT INTO civil_parties (record_number, iin, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[t(&c.record_number), t(&who.to_string()), t(role.code())],
            )
            .await?;
        }
    }
    for d in &r.dwellings {
        exec(
            tx,
            "INSERT INTO dwellings (cadastral_number, kato, address_line, emergency_since, area_decimetres) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (cadastral_number) DO UPDATE SET kato = excluded.kato, address_line = excluded.address_line, \
             emergency_since = excluded.emergency_since, area_decimetres = excluded.area_decimetres",
            &[t(&d.cadastral_number), t(&d.kato), t(&d.address_line), od(d.emergency_since), V::I(d.area_decimetres)],
        )
        .await?;
    }
    let mut owned: Vec<&str> = Vec::new();
    for o in &r.ownerships {
        if !owned.contains(&o.cadastral_number.as_str()) {
            exec(tx, "DELETE FROM ownerships WHERE cadastral_number = $1", &[t(&o.cadastral_number)]).await?;
            owned.push(&o.cadastral_number);
        }
        exec(
            tx,
            "INSERT INTO ownerships (cadastral_number, iin, acquired_on, alienated_on, buyer_id, buyer_is_leb) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (cadastral_number, iin, acquired_on) DO NOTHING",
            &[
                t(&o.cadastral_number),
                t(&o.iin.to_string()),
                t(&ymd(o.acquired_on)),
                od(o.alienated_on),
                V::T(o.buyer_id.clone()),
                V::I(i64::from(o.buyer_is_local_executive_body)),
            ],
        )
        .await?;
    }
    for x in &r.tenancies {
        exec(
            tx,
            "INSERT INTO tenancies (iin, dwelling_id, kato, fund_kind, document, document_number, arrears_tiyn) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (iin) DO UPDATE SET dwelling_id = excluded.dwelling_id, kato = excluded.kato, fund_kind = excluded.fund_kind, \
             document = excluded.document, document_number = excluded.document_number, arrears_tiyn = excluded.arrears_tiyn",
            &[
                t(&x.iin.to_string()),
                t(&x.dwelling_id),
                t(&x.kato),
                t(x.fund_kind.code()),
                t(x.document.code()),
                t(&x.document_number),
                V::I(x.arrears_tiyn),
            ],
        )
        .await?;
    }
    for d in &r.court_decisions {
        exec(tx, "DELETE FROM court_recognized WHERE case_number = $1", &[t(&d.case_number)]).await?;
        exec(
            tx,
            "INSERT INTO court_decisions (case_number, iin, kind, in_force_from, in_force_until) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (case_number) DO UPDATE SET iin = excluded.iin, kind = excluded.kind, in_force_from = excluded.in_force_from, \
             in_force_until = excluded.in_force_until",
            &[t(&d.case_number), t(&d.iin.to_string()), t(d.kind.code()), t(&ymd(d.in_force_from)), od(d.in_force_until)],
        )
        .await?;
        for who in &d.recognized {
            exec(
                tx,
                "INSERT INTO court_recognized (case_number, iin) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[t(&d.case_number), t(&who.to_string())],
            )
            .await?;
        }
    }
    for g in &r.social_groups {
        if !cleared.contains(&("social", g.iin)) {
            exec(tx, "DELETE FROM social_groups WHERE iin = $1", &[t(&g.iin.to_string())]).await?;
            cleared.push(("social", g.iin));
        }
        exec(
            tx,
            "INSERT INTO social_groups (iin, code, since, until) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[t(&g.iin.to_string()), t(&g.code), t(&ymd(g.since)), od(g.until)],
        )
        .await?;
    }
    for e in &r.employments {
        if !cleared.contains(&("employment", e.iin)) {
            exec(tx, "DELETE FROM employments WHERE iin = $1", &[t(&e.iin.to_string())]).await?;
            cleared.push(("employment", e.iin));
        }
        exec(
            tx,
            "INSERT INTO employments (iin, category, employer_bin, since, until) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[t(&e.iin.to_string()), t(&e.category), t(&e.employer_bin), t(&ymd(e.since)), od(e.until)],
        )
        .await?;
    }
    let now = tx.now();
    for (who, purpose) in &r.consents {
        on_backend!(tx.conn(), |c| sqlx::query(
            "INSERT INTO consents (iin, purpose, granted_at) VALUES ($1, $2, $3) ON CONFLICT (iin, purpose) DO UPDATE SET withdrawn_at = NULL"
        )
        .bind(who.to_string())
        .bind(purpose)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(store_error)?;
    }
    for i in &r.incomes {
        exec(
            tx,
            "INSERT INTO incomes (iin, month, amount_tiyn) VALUES ($1, $2, $3) ON CONFLICT (iin, month) DO UPDATE SET amount_tiyn = excluded.amount_tiyn",
            &[t(&i.iin.to_string()), t(&i.month), V::I(i.amount_tiyn)],
        )
        .await?;
    }
    Ok(())
}
