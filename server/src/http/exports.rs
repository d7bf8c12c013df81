//! `GET /api/exports/...`: the CSV files of [`crate::exports`] as downloads, each for the
//! roles that may read the same data on its screen: the transactions for those who may read
//! the ledger, the statement for everyone (like `GET /api/statements`), the stock movements
//! for everyone who sees the stock, the members and their hours for everyone who sees the
//! roster. None holds personal data.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use shared::access::{self, View};
use shared::distribution::day::day_of_date;
use shared::ledger::MonthlyStatement;

use super::AppState;
use super::api::caught_up;
use super::error::ApiError;
use super::money::csv_response;
use super::session::SignedIn;
use crate::exports::{self, Days};

/// `GET /api/exports/transactions.csv` options; dates are ISO and inclusive.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    /// Postings that took effect on or after this day.
    pub from: Option<String>,
    /// Postings that took effect on or before this day.
    pub to: Option<String>,
}

/// `GET /api/exports/members.csv` options.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthQuery {
    /// `2026-11`; the current month when left out.
    pub month: Option<String>,
}

fn invalid_query(rejection: QueryRejection) -> ApiError {
    ApiError::bad_request("invalid_query", rejection.body_text())
}

#[utoipa::path(get, path = "/api/exports/transactions.csv", tag = "exports",
    params(("from" = Option<String>, Query, description = "Took effect on or after this day, e.g. 2026-11-01"),
           ("to" = Option<String>, Query, description = "Took effect on or before this day")),
    responses((status = 200, description = "date,account,description,debit,credit,reference: every posting in the books, on the day it took effect", content_type = "text/csv"),
              (status = 400, description = "A date that does not parse, or from after to", body = shared::view::ErrorBody),
              (status = 403, description = "Finance, coordinators and auditors only", body = shared::view::ErrorBody)))]
pub async fn transactions(
    State(state): State<AppState>,
    member: SignedIn,
    query: Result<Query<RangeQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    member.require(access::may_view(member.roles(), View::Ledger), "reading the ledger")?;
    let Query(query) = query.map_err(invalid_query)?;
    let days = Days::parse(query.from.as_deref(), query.to.as_deref())
        .map_err(|message| ApiError::bad_request("invalid_date", message))?;
    caught_up(&state).await;
    let body = state.group.read(|p| exports::transactions(&p.ledger, days));
    Ok(csv_response(&days.file_name("transactions"), body))
}

#[utoipa::path(get, path = "/api/exports/statement/{year}/{month}.csv", tag = "exports",
    params(("year" = i64, Path, description = "e.g. 2026"), ("month" = u32, Path, description = "1 to 12")),
    responses((status = 200, description = "The month's statement as three balanced journals: opening balances, the month's debits and credits per account, closing balances", content_type = "text/csv"),
              (status = 400, description = "No such month", body = shared::view::ErrorBody)))]
pub async fn statement(
    State(state): State<AppState>,
    member: SignedIn,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    member.require(access::may_view(member.roles(), View::Statement), "reading statements")?;
    let Path((year, file)) =
        path.map_err(|e| ApiError::bad_request("invalid_month", e.body_text()))?;
    let month = file.strip_suffix(".csv").unwrap_or(&file);
    let parsed = year.parse::<i64>().ok().zip(month.parse::<u32>().ok());
    let Some((year, month)) = parsed.filter(|(y, m)| day_of_date(*y, *m, 1).is_some()) else {
        return Err(ApiError::bad_request("invalid_month", format!("no month {year}/{file}")));
    };
    caught_up(&state).await;
    let body = state.group.read(|p| {
        MonthlyStatement::for_month(&p.ledger, year, month).map(|s| exports::statement(&s))
    });
    // The month exists, so it has a statement.
    let body = body.unwrap_or_default();
    Ok(csv_response(&format!("statement-{year:04}-{month:02}.csv"), body))
}

#[utoipa::path(get, path = "/api/exports/stock_movements.csv", tag = "exports",
    responses((status = 200, description = "Every stock movement, as the audit bundle's stock_movements.csv", content_type = "text/csv"),
              (status = 403, description = "Roles that may not see the stock", body = shared::view::ErrorBody)))]
pub async fn stock_movements(
    State(state): State<AppState>,
    member: SignedIn,
) -> Result<Response, ApiError> {
    member.require(access::may_view(member.roles(), View::Stock), "reading the stock")?;
    let log = state.group.log().clone();
    let through = log.head().position;
    let body = tokio::task::spawn_blocking(move || exports::stock_movements(&log, through))
        .await
        .map_err(|_| ApiError::unavailable("the export was interrupted".to_owned()))?
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    Ok(csv_response("stock_movements.csv", body))
}

#[utoipa::path(get, path = "/api/exports/members.csv", tag = "exports",
    params(("month" = Option<String>, Query, description = "e.g. 2026-11; the current month when left out")),
    responses((status = 200, description = "member_id,name,roles,role_cards,skills,minutes,hours,shifts,absences for the month; no contacts", content_type = "text/csv"),
              (status = 400, description = "A month that does not parse", body = shared::view::ErrorBody)))]
pub async fn members(
    State(state): State<AppState>,
    member: SignedIn,
    query: Result<Query<MonthQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    member.require(access::may_view(member.roles(), View::Roster), "reading the roster")?;
    let Query(query) = query.map_err(invalid_query)?;
    // The month under way where the group lives.
    let now_ms = state.group.now();
    let today = state.group.read(|p| p.board.clock.day_of(now_ms));
    let (year, month) = match query.month.as_deref() {
        Some(text) => exports::parse_month(text)
            .map_err(|message| ApiError::bad_request("invalid_month", message))?,
        None => exports::month_of(today),
    };
    caught_up(&state).await;
    let body = state
        .group
        .read(|p| exports::members(&p.members, &p.people, (year, month), today, &p.board.clock));
    Ok(csv_response(&format!("members-{year:04}-{month:02}.csv"), body))
}
