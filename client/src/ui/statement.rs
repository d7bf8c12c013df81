//! A month's statement (income and expenses by category, each account's movements, the
//! year per payment channel) with its month toolbar: on the money screen and in the report.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ledger::{AccountClass, Line, MonthlyStatement, YearlyChannelTotals};
use shared::view::StatementView;

use crate::api::{self, Failure};
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::ui::{format, labels, words};

/// A month's toolbar, not printed: the month, its CSV (`{base}/{year}/{month}?format=csv`),
/// the statement's journal for accounting software when `journal`, and the print button.
pub fn month_toolbar(
    i: I18n,
    id: &'static str,
    period: RwSignal<String>,
    base: &'static str,
    journal: bool,
) -> impl IntoView + use<> {
    let csv = move || {
        format::parse_month(&period.get()).map(|(y, m)| format!("{base}/{y}/{m}?format=csv"))
    };
    let journal = journal.then(|| {
        let href = move || {
            format::parse_month(&period.get())
                .map(|(y, m)| format!("/api/exports/statement/{y}/{m}.csv"))
        };
        view! { <a href=href download>{move || i.t("money.journal_csv")}</a> }
    });
    view! {
        <div class="print-hide toolbar">
            <div class="field">
                <label for=id>{move || i.t("money.month")}</label>
                <input id=id type="month" prop:value=move || period.get()
                    on:change=move |ev| period.set(event_target_value(&ev)) />
            </div>
            <a href=csv download>{move || i.t("money.csv")}</a>
            {journal}
            <button type="button" class="secondary" on:click=move |_| { let _ = window().print(); }>
                {move || i.t("money.print")}
            </button>
        </div>
    }
}

#[component]
pub fn Statement(period: RwSignal<String>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let shown = RwSignal::new(None::<Result<StatementView, Failure>>);
    Effect::new(move || {
        // Read again when the books change.
        let _ = ctx.live.with(|l| l.ledger_changes);
        let Some((year, month)) = format::parse_month(&period.get()) else {
            return;
        };
        spawn_local(async move {
            let answer =
                api::get_json::<StatementView>(&format!("/api/statements/{year}/{month}")).await;
            shown.try_set(Some(answer));
        });
    });
    view! {
        <section class="statement" data-testid="statement">
            <h2>{move || i.t("money.statement")}</h2>
            {month_toolbar(i, "statement-month", period, "/api/statements", true)}
            {move || shown.get().map(|answer| match answer {
                Ok(view) => view! {
                    {statement_view(i, &view.statement)}
                    {channels_view(i, &view.channels)}
                }.into_any(),
                Err(failure) => view! { <p class="error" role="alert">{words::failure(i, failure)}</p> }.into_any(),
            })}
        </section>
    }
}

fn statement_view(i: I18n, s: &MonthlyStatement) -> impl IntoView + use<> {
    let currency = s.currency.map(|c| c.as_str().to_owned()).unwrap_or_default();
    let row = |label: String, line: &Line, test_id: &'static str| {
        view! {
            <tr data-testid=test_id>
                <th scope="row">{label}</th>
                <td class="amount" title=i.tf("money.positions", &[("n", &line.positions.len().to_string())])>
                    {format::money(line.cents)}
                </td>
            </tr>
        }
    };
    let income = s
        .income
        .iter()
        .map(|c| row(i.t(labels::account_kind(c.kind)), &c.line, "income-line"))
        .collect_view();
    let expenses = s
        .expenses
        .iter()
        .map(|c| row(i.t(labels::account_kind(c.kind)), &c.line, "expense-line"))
        .collect_view();
    let accounts = s
        .accounts
        .iter()
        .filter(|a| matches!(a.kind.class(), AccountClass::Asset))
        .map(|a| {
            view! {
                <tr>
                    <th scope="row">{a.name.clone()}</th>
                    <td class="amount">{format::money(a.opening.cents)}</td>
                    <td class="amount">{format::money(a.increases.cents)}</td>
                    <td class="amount">{format::money(a.decreases.cents)}</td>
                    <td class="amount">{format::money(a.closing.cents)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="period">
            {i.tf("money.period", &[("from", &words::date(i, s.first_day)), ("to", &words::date(i, s.last_day)), ("currency", &currency)])}
        </p>
        <table class="statement-table">
            <tbody>
                {row(i.t("money.opening"), &s.opening, "opening")}
                <tr class="section"><th colspan="2">{i.t("money.income")}</th></tr>
                {income}
                <tr class="section"><th colspan="2">{i.t("money.expenses")}</th></tr>
                {expenses}
                {row(i.t("money.other"), &s.other, "other")}
                {row(i.t("money.closing"), &s.closing, "closing")}
                {row(i.t("money.goods"), &s.goods_donated, "goods")}
            </tbody>
        </table>
        <h3>{i.t("money.by_account")}</h3>
        <table class="statement-table">
            <thead><tr>
                <th scope="col">{i.t("money.account")}</th>
                <th scope="col">{i.t("money.opening")}</th>
                <th scope="col">{i.t("money.in")}</th>
                <th scope="col">{i.t("money.out")}</th>
                <th scope="col">{i.t("money.closing")}</th>
            </tr></thead>
            <tbody>{accounts}</tbody>
        </table>
    }
}

/// The year so far per payment channel: payment apps report to tax authorities above
/// thresholds, so the treasurer watches these.
fn channels_view(i: I18n, totals: &YearlyChannelTotals) -> impl IntoView + use<> {
    let rows = totals
        .channels
        .iter()
        .map(|c| {
            view! {
                <tr data-testid="channel-year">
                    <th scope="row">{c.name.clone()}</th>
                    <td class="amount">{format::money(c.received.cents)}</td>
                    <td class="amount">{format::money(c.paid_out.cents)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>{i.tf("money.year_channels", &[("year", &totals.year.to_string())])}</h3>
        <table class="statement-table">
            <thead><tr>
                <th scope="col">{i.t("money.account")}</th>
                <th scope="col">{i.t("money.received")}</th>
                <th scope="col">{i.t("money.paid_out")}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
