//! The books over HTTP: the ledger for those who keep and check it, the monthly statement for
//! everyone in the group, each as JSON or as CSV for a spreadsheet or an accountant.
//!
//! Neither ever holds a donor's personal data: the ledger keeps only the public name a donor
//! chose, and the sealed rest stays in the log for the roles that may open it.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::access::{self, View};
use shared::distribution::day::{day_of_date, day_of_iso, iso_date};
use shared::ledger::AccountKind;
use shared::ledger::{
    AccountId, Currency, GoodsDonation, Grant, Line, MonthlyStatement, Transaction,
    TransactionStatus, YearlyChannelTotals,
};
use shared::view::{LedgerView, StatementView};

use super::AppState;
use super::api::caught_up;
use super::error::ApiError;
use super::session::SignedIn;
use crate::csv::{amount, name_of, row};

/// `GET /api/ledger` filters; dates are ISO (`2026-11-01`), inclusive.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerQuery {
    /// Transactions on or after this day.
    pub from: Option<String>,
    /// Transactions on or before this day.
    pub to: Option<String>,
    /// Only transactions with a posting to this account.
    pub account: Option<String>,
    /// `posted`, `awaiting_payment`, `paid` or `declined`.
    pub status: Option<String>,
    /// `csv` for one row per posting; JSON otherwise.
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/ledger", tag = "money",
    params(("from" = Option<String>, Query, description = "On or after this day, e.g. 2026-11-01"),
           ("to" = Option<String>, Query, description = "On or before this day"),
           ("account" = Option<String>, Query, description = "Only transactions posting to this account"),
           ("status" = Option<String>, Query, description = "posted, awaiting_payment, paid or declined"),
           ("format" = Option<String>, Query, description = "csv for one row per posting")),
    responses((status = 200, description = "Accounts and transactions (JSON), or one CSV row per posting"),
              (status = 400, description = "A filter that does not parse", body = shared::view::ErrorBody),
              (status = 403, description = "Finance, coordinators and auditors only", body = shared::view::ErrorBody)))]
pub async fn ledger(
    State(state): State<AppState>,
    member: SignedIn,
    query: Result<Query<LedgerQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    member.require(access::may_view(member.roles(), View::Ledger), "reading the ledger")?;
    let Query(query) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let from = query.from.as_deref().map(|d| parse_day("from", d)).transpose()?;
    let to = query.to.as_deref().map(|d| parse_day("to", d)).transpose()?;
    let status = query.status.as_deref().map(parse_status).transpose()?;
    let csv = wants_csv(query.format.as_deref())?;
    caught_up(&state).await;
    let view = state.group.read(|p| {
        let mut transactions: Vec<Transaction> = p
            .ledger
            .transactions
            .values()
            .filter(|t| from.is_none_or(|from| t.on_day >= from))
            .filter(|t| to.is_none_or(|to| t.on_day <= to))
            .filter(|t| {
                query.account.as_deref().is_none_or(|account| {
                    t.postings.iter().any(|posting| posting.account_id.as_str() == account)
                })
            })
            .filter(|t| status.is_none_or(|status| status_name(&t.status) == status))
            .cloned()
            .collect();
        transactions.sort_by_key(|t| std::cmp::Reverse((t.on_day, t.recorded_position)));
        let mut grants: Vec<Grant> = p.ledger.grants.values().cloned().collect();
        grants.sort_by_key(|g| std::cmp::Reverse((g.applied_on_day, g.grant_id.clone())));
        let mut goods: Vec<GoodsDonation> = p
            .ledger
            .goods
            .values()
            .filter(|g| from.is_none_or(|from| g.on_day >= from))
            .filter(|g| to.is_none_or(|to| g.on_day <= to))
            .cloned()
            .collect();
        goods.sort_by_key(|g| std::cmp::Reverse((g.on_day, g.recorded_position)));
        LedgerView {
            currency: p.ledger.currency.map(|c| c.as_str().to_owned()),
            approval_threshold_cents: p.limits.expense_approval_threshold_cents,
            accounts: p.ledger.accounts.values().cloned().collect(),
            transactions,
            grants,
            goods,
        }
    });
    if csv {
        let body = transactions_csv(&view);
        return Ok(csv_response("transactions.csv", body));
    }
    Ok(Json(view).into_response())
}

/// `GET /api/statements/{year}/{month}` options.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementQuery {
    /// `csv` for the statement as rows; JSON otherwise.
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/statements/{year}/{month}", tag = "money",
    params(("year" = i64, Path, description = "e.g. 2026"), ("month" = u32, Path, description = "1 to 12"),
           ("format" = Option<String>, Query, description = "csv for the statement as rows")),
    responses((status = 200, description = "The month's statement (JSON), or CSV; every line carries the log positions behind it"),
              (status = 400, description = "No such month", body = shared::view::ErrorBody)))]
pub async fn statement(
    State(state): State<AppState>,
    member: SignedIn,
    path: Result<Path<(i64, u32)>, axum::extract::rejection::PathRejection>,
    query: Result<Query<StatementQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    member.require(access::may_view(member.roles(), View::Statement), "reading statements")?;
    let Path((year, month)) =
        path.map_err(|e| ApiError::bad_request("invalid_month", e.body_text()))?;
    let Query(query) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let csv = wants_csv(query.format.as_deref())?;
    if day_of_date(year, month, 1).is_none() {
        return Err(ApiError::bad_request("invalid_month", format!("no month {year}-{month}")));
    }
    caught_up(&state).await;
    let view = state.group.read(|p| {
        let statement = MonthlyStatement::for_month(&p.ledger, year, month)?;
        let channels = YearlyChannelTotals::for_year(&p.ledger, year);
        Some(StatementView { statement, channels })
    });
    let Some(view) = view else {
        return Err(ApiError::bad_request("invalid_month", format!("no month {year}-{month}")));
    };
    if csv {
        let body = statement_csv(&view.statement);
        return Ok(csv_response(&format!("statement-{year}-{month:02}.csv"), body));
    }
    Ok(Json(view).into_response())
}

fn wants_csv(format: Option<&str>) -> Result<bool, ApiError> {
    match format {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(other) => Err(ApiError::bad_request(
            "invalid_format",
            format!("format: `{other}` is neither `json` nor `csv`"),
        )),
    }
}

fn parse_day(field: &str, text: &str) -> Result<i64, ApiError> {
    day_of_iso(text).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_date",
            format!("{field}: `{text}` is not a date like 2026-11-01"),
        )
    })
}

const STATUSES: [&str; 4] = ["posted", "awaiting_payment", "paid", "declined"];

fn parse_status(text: &str) -> Result<&'static str, ApiError> {
    STATUSES.into_iter().find(|s| *s == text).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_status",
            format!("status: `{text}` is not one of {}", STATUSES.join(", ")),
        )
    })
}

fn status_name(status: &TransactionStatus) -> &'static str {
    match status {
        TransactionStatus::Posted => "posted",
        TransactionStatus::AwaitingPayment => "awaiting_payment",
        TransactionStatus::Paid { .. } => "paid",
        TransactionStatus::Declined { .. } => "declined",
    }
}

pub(super) fn csv_response(file_name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

fn currency(currency: Option<Currency>) -> String {
    currency.map(|c| c.as_str().to_owned()).unwrap_or_default()
}

/// One row per posting: what an accountant imports.
fn transactions_csv(view: &LedgerView) -> String {
    let name = |id: &AccountId| {
        view.accounts.iter().find(|a| &a.account_id == id).map_or("", |a| a.name.as_str())
    };
    let mut out = row(&[
        "transaction_id",
        "date",
        "description",
        "status",
        "account_id",
        "account_name",
        "amount",
        "currency",
        "recorded_by",
        "approved_by",
        "receipt",
        "donor",
        "reverses",
        "reason",
        "log_position",
    ]);
    for t in view.transactions.iter().rev() {
        for posting in &t.postings {
            out.push_str(&row(&[
                t.transaction_id.as_str(),
                &iso_date(t.on_day),
                &t.description,
                status_name(&t.status),
                posting.account_id.as_str(),
                name(&posting.account_id),
                &amount(posting.amount_cents),
                t.currency.as_str(),
                t.recorded_by.as_str(),
                t.approved_by.as_ref().map_or("", |m| m.as_str()),
                t.receipt.as_deref().unwrap_or_default(),
                t.donor_public_name.as_deref().unwrap_or_default(),
                t.reverses.as_ref().map_or("", |r| r.as_str()),
                t.reason.as_deref().unwrap_or_default(),
                &t.recorded_position.to_string(),
            ]));
        }
    }
    out
}

/// The statement as rows: section, name, amount, and the log positions behind the amount.
fn statement_csv(s: &MonthlyStatement) -> String {
    let positions =
        |line: &Line| line.positions.iter().map(u64::to_string).collect::<Vec<_>>().join(" ");
    let money = currency(s.currency);
    let mut out = row(&["section", "name", "amount", "currency", "log_positions"]);
    let mut line = |section: &str, name: &str, line: &Line| {
        out.push_str(&row(&[section, name, &amount(line.cents), &money, &positions(line)]));
    };
    let kind = |k: AccountKind| name_of(&k);
    line("opening", "money held", &s.opening);
    for c in &s.income {
        line("income", kind(c.kind), &c.line);
    }
    for c in &s.expenses {
        line("expense", kind(c.kind), &c.line);
    }
    line("other", "payables and opening balances", &s.other);
    line("closing", "money held", &s.closing);
    line("goods", "goods donated (estimated)", &s.goods_donated);
    for a in &s.accounts {
        let name = format!("{} ({})", a.name, a.account_id);
        line("account opening", &name, &a.opening);
        line("account increases", &name, &a.increases);
        line("account decreases", &name, &a.decreases);
        line("account closing", &name, &a.closing);
    }
    out
}

/// `GET /api/reports/{year}/{month}`: the month's retrospective, computed from the events
/// alone: households served, requests by need, deliveries completed and failed by reason,
/// time from request to delivery and in each stage, the longest waits, feedback, stockouts,
/// hours per member and per task, burnout signals, roles without backup, terms ending, and
/// the month's statement. For everyone in the group, like the statement; it names no
/// household. `?format=csv` gives it as one `section,key,measure,value` table.
#[utoipa::path(get, path = "/api/reports/{year}/{month}", tag = "retrospective",
    params(("year" = i64, Path, description = "e.g. 2026"), ("month" = u32, Path, description = "1 to 12"),
           ("format" = Option<String>, Query, description = "csv for one section,key,measure,value table")),
    responses((status = 200, description = "The month's report"),
              (status = 400, description = "No such month", body = shared::view::ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    member: SignedIn,
    path: Result<Path<(i64, u32)>, axum::extract::rejection::PathRejection>,
    query: Result<Query<StatementQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    member.require(access::may_view(member.roles(), View::Statement), "reading reports")?;
    let Path((year, month)) =
        path.map_err(|e| ApiError::bad_request("invalid_month", e.body_text()))?;
    let Query(query) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let csv = wants_csv(query.format.as_deref())?;
    let (log, history, now_ms) =
        (state.group.log().clone(), state.group.history().clone(), state.group.now());
    let report = tokio::task::spawn_blocking(move || {
        crate::report::month_report(&log, &history, (year, month), now_ms)
    })
    .await
    .map_err(|_| ApiError::unavailable("the report was interrupted".to_owned()))?
    .map_err(|e| ApiError::unavailable(e.to_string()))?;
    match report {
        Some(report) if csv => Ok(csv_response(
            &format!("report-{}.csv", report.month),
            crate::report::to_csv(&report),
        )),
        Some(report) => Ok(Json(report).into_response()),
        None => Err(ApiError::bad_request("invalid_month", format!("no month {year}-{month}"))),
    }
}
