//! The money screen: the month's statement for everyone in the group (printable, and as
//! CSV), and for finance, coordinators and auditors the ledger with its filters, where
//! finance records donations and expenses and a second member approves what needs it.
//!
//! The books are read over HTTP (`/api/statements`, `/api/ledger`) and read again whenever
//! a ledger event arrives on the live feed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use serde_json::Value;

use shared::access::{self, View};
use shared::distribution::day::{date_of_day, day_of, days_in_month};
use shared::ledger::{
    Account, AccountClass, AccountKind, Command, Currency, Donor, GoodsDonation, Line,
    MonthlyStatement, Posting, Transaction, TransactionStatus, YearlyChannelTotals,
};

use crate::api::{self, Failure};
use crate::app::{Route, use_ctx};
use crate::books::{Goods, Grants, ReverseForm, reversal_words, reversible};
use crate::forms::{Choice, Field};
use crate::i18n::{I18n, use_i18n};
use crate::outbox::new_id;
use crate::screens::{date_label, failure_words};

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct LedgerView {
    pub currency: Option<String>,
    pub approval_threshold_cents: i64,
    pub accounts: Vec<Account>,
    pub transactions: Vec<Transaction>,
    /// Grants as JSON (`GrantStage` is internally tagged; see ADR 0003).
    #[serde(default)]
    pub grants: Vec<Value>,
    #[serde(default)]
    pub goods: Vec<GoodsDonation>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct StatementView {
    pub statement: MonthlyStatement,
    /// The year so far per cash, bank and payment-app account.
    pub channels: Option<YearlyChannelTotals>,
}

/// "150", "150.5", "150,50" as cents; `None` for anything else.
pub fn parse_cents(text: &str) -> Option<i64> {
    let text = text.trim().replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 2 {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(fraction)
}

/// Cents as money: `1234` is `12.34`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "−" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

fn kind_key(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Cash => "account.cash",
        AccountKind::Bank => "account.bank",
        AccountKind::PaymentApp => "account.payment_app",
        AccountKind::Donations => "account.donations",
        AccountKind::Grants => "account.grants",
        AccountKind::OtherIncome => "account.other_income",
        AccountKind::FoodPurchases => "account.food_purchases",
        AccountKind::Transport => "account.transport",
        AccountKind::Reimbursements => "account.reimbursements",
        AccountKind::EmergencyFund => "account.emergency_fund",
        AccountKind::Fees => "account.fees",
        AccountKind::OtherExpenses => "account.other_expenses",
        AccountKind::Payable => "account.payable",
        AccountKind::OpeningBalances => "account.opening_balances",
    }
}

fn status_key(status: &TransactionStatus) -> &'static str {
    match status {
        TransactionStatus::Posted => "ledger.posted",
        TransactionStatus::AwaitingPayment => "ledger.awaiting_payment",
        TransactionStatus::Paid { .. } => "ledger.paid",
        TransactionStatus::Declined { .. } => "ledger.declined",
    }
}

fn status_slug(status: &TransactionStatus) -> &'static str {
    status_key(status).trim_start_matches("ledger.")
}

#[component]
pub fn MoneyScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let reads_ledger = ctx.me.with_value(|me| access::may_view(&me.roles, View::Ledger));
    let (year, month, _) = date_of_day(day_of(ctx.now.get_untracked()));
    let period = RwSignal::new(format!("{year:04}-{month:02}"));
    view! {
        <main class="money-screen" data-testid="money-screen">
            <Statement period=period />
            {reads_ledger.then(|| view! { <LedgerSection period=period /> })}
            <p class="hint print-hide">{move || i.t("money.privacy")}</p>
        </main>
    }
}

/// (year, month) of a month input's "2026-11".
pub(crate) fn year_month(text: &str) -> Option<(i64, u32)> {
    let (year, month) = text.split_once('-')?;
    Some((year.parse().ok()?, month.parse().ok()?))
}

/// A month's toolbar, not printed: the month, its CSV (`{base}/{year}/{month}?format=csv`),
/// the statement's journal for accounting software when `journal`, and the print button.
pub(crate) fn month_toolbar(
    i: I18n,
    id: &'static str,
    period: RwSignal<String>,
    base: &'static str,
    journal: bool,
) -> impl IntoView + use<> {
    let csv = move || year_month(&period.get()).map(|(y, m)| format!("{base}/{y}/{m}?format=csv"));
    let journal = journal.then(|| {
        let href = move || {
            year_month(&period.get()).map(|(y, m)| format!("/api/exports/statement/{y}/{m}.csv"))
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
        let Some((year, month)) = year_month(&period.get()) else {
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
                    {view.channels.as_ref().map(|c| channels_view(i, c))}
                }.into_any(),
                Err(failure) => view! { <p class="error" role="alert">{failure_words(i, failure)}</p> }.into_any(),
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
                    {money(line.cents)}
                </td>
            </tr>
        }
    };
    let income =
        s.income.iter().map(|c| row(i.t(kind_key(c.kind)), &c.line, "income-line")).collect_view();
    let expenses = s
        .expenses
        .iter()
        .map(|c| row(i.t(kind_key(c.kind)), &c.line, "expense-line"))
        .collect_view();
    let accounts = s
        .accounts
        .iter()
        .filter(|a| matches!(a.kind.class(), AccountClass::Asset))
        .map(|a| {
            view! {
                <tr>
                    <th scope="row">{a.name.clone()}</th>
                    <td class="amount">{money(a.opening.cents)}</td>
                    <td class="amount">{money(a.increases.cents)}</td>
                    <td class="amount">{money(a.decreases.cents)}</td>
                    <td class="amount">{money(a.closing.cents)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="period">
            {i.tf("money.period", &[("from", &date_label(s.first_day)), ("to", &date_label(s.last_day)), ("currency", &currency)])}
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
                    <td class="amount">{money(c.received.cents)}</td>
                    <td class="amount">{money(c.paid_out.cents)}</td>
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

#[component]
fn LedgerSection(period: RwSignal<String>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let status = RwSignal::new(String::new());
    let account = RwSignal::new(String::new());
    let shown = RwSignal::new(None::<Result<LedgerView, Failure>>);
    let reversing = RwSignal::new(None::<(String, String)>);
    let query = move || {
        let mut query = Vec::new();
        if !status.get().is_empty() {
            query.push(format!("status={}", status.get()));
        }
        if !account.get().is_empty() {
            query.push(format!("account={}", js_sys::encode_uri_component(&account.get())));
        }
        query
    };
    Effect::new(move || {
        let _ = ctx.live.with(|l| l.ledger_changes);
        let path = format!("/api/ledger?{}", query().join("&"));
        spawn_local(async move {
            let answer = api::get_json::<LedgerView>(&path).await;
            shown.try_set(Some(answer));
        });
    });
    let csv = move || {
        let mut q = query();
        q.push("format=csv".to_owned());
        format!("/api/ledger?{}", q.join("&"))
    };
    // The statement's month, every posting in it, laid out for accounting software.
    let accounting = move || {
        let (y, m) = year_month(&period.get())?;
        let last = days_in_month(y, m)?;
        Some(format!(
            "/api/exports/transactions.csv?from={y:04}-{m:02}-01&to={y:04}-{m:02}-{last:02}"
        ))
    };
    let statuses = Signal::derive(move || {
        let mut choices = vec![(String::new(), i.t("ledger.all"))];
        for s in [TransactionStatus::AwaitingPayment, TransactionStatus::Posted] {
            choices.push((status_slug(&s).to_owned(), i.t(status_key(&s))));
        }
        choices.push(("paid".to_owned(), i.t("ledger.paid")));
        choices.push(("declined".to_owned(), i.t("ledger.declined")));
        choices
    });
    let accounts = Signal::derive(move || {
        let mut choices = vec![(String::new(), i.t("ledger.all"))];
        if let Some(Ok(view)) = shown.get() {
            choices
                .extend(view.accounts.iter().map(|a| (a.account_id.to_string(), a.name.clone())));
        }
        choices
    });
    view! {
        <section class="ledger print-hide" data-testid="ledger">
            <h2>{move || i.t("money.ledger")}</h2>
            {move || shown.get().and_then(Result::ok).filter(|_| ctx.may("RecordTransaction"))
                .map(|view| view! { <RecordForm accounts=view.accounts threshold=view.approval_threshold_cents /> })}
            <div class="toolbar">
                <Choice id="ledger-status" label="ledger.status" options=statuses value=status />
                <Choice id="ledger-account" label="money.account" options=accounts value=account />
                <a href=csv download>{move || i.t("money.csv")}</a>
                <a href=accounting download>{move || i.t("ledger.export_csv")}</a>
            </div>
            <ReverseForm reversing=reversing />
            {move || shown.get().map(|answer| match answer {
                Ok(view) => {
                    let (grants, goods, accounts) = (view.grants.clone(), view.goods.clone(), view.accounts.clone());
                    view! {
                        {transactions_view(i, view, reversing)}
                        <Grants grants=grants accounts=accounts />
                        <Goods goods=goods />
                    }.into_any()
                }
                Err(failure) => view! { <p class="error" role="alert">{failure_words(i, failure)}</p> }.into_any(),
            })}
        </section>
    }
}

fn transactions_view(
    i: I18n,
    view: LedgerView,
    reversing: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let me = ctx.my_id();
    // Those who read the log can follow a transaction to the events and commands behind it.
    let audits = ctx.me.with_value(|me| access::may_view(&me.roles, View::Log));
    let name = |id: &str| {
        view.accounts
            .iter()
            .find(|a| a.account_id.as_str() == id)
            .map_or(id.to_owned(), |a| a.name.clone())
    };
    let rows = view
        .transactions
        .iter()
        .map(|t| {
            let postings = t
                .postings
                .iter()
                .map(|p| format!("{} {}", name(p.account_id.as_str()), money(p.amount_cents)))
                .collect::<Vec<_>>()
                .join(" · ");
            let amount = t.postings.iter().filter(|p| p.amount_cents > 0).map(|p| p.amount_cents).sum::<i64>();
            let awaiting = t.status == TransactionStatus::AwaitingPayment;
            let id = t.transaction_id.to_string();
            let approve = (awaiting && t.needs_approval && t.approved_by.is_none() && ctx.may("ApproveExpense") && t.recorded_by.as_str() != me)
                .then(|| ledger_button(i, "approve", "ledger.approve", Command::ApproveExpense { transaction_id: id.as_str().into() }));
            let payable = awaiting && (!t.needs_approval || t.approved_by.is_some());
            let pay = (payable && ctx.may("PayExpense")).then(|| {
                let today = day_of(ctx.now.get_untracked());
                ledger_button(i, "pay", "ledger.pay", Command::PayExpense { transaction_id: id.as_str().into(), paid_on_day: today })
            });
            let note = (awaiting && t.needs_approval && t.approved_by.is_none()).then(|| i.t("ledger.needs_approval"));
            let reverse = (reversible(t) && ctx.may("ReverseTransaction")).then(|| {
                let chosen = (id.clone(), t.description.clone());
                view! {
                    <button type="button" class="secondary" data-testid="reverse"
                        on:click=move |_| reversing.set(Some(chosen.clone()))>{i.t("reverse.button")}</button>
                }
            });
            let reversal = reversal_words(i, t);
            let trace = audits.then(|| {
                view! { <a href=Route::Audit(id.clone()).href() data-testid="trace">{i.t("ledger.trace")}</a> }
            });
            view! {
                <tr data-testid="transaction" data-transaction-id=id.clone() data-status=status_slug(&t.status)>
                    <td>{date_label(t.on_day)}</td>
                    <td>{t.description.clone()}
                        {t.donor_public_name.clone().map(|d| format!(" ({d})"))}
                        <div class="hint">{postings}</div>
                        {reversal.map(|r| view! { <div class="hint" data-testid="reversal">{r}</div> })}</td>
                    <td class="amount">{money(amount)}</td>
                    <td>{i.t(status_key(&t.status))} {note.map(|n| view! { <div class="hint">{n}</div> })}</td>
                    <td>{t.recorded_by.to_string()}</td>
                    <td>{t.approved_by.as_ref().map(|a| a.to_string())}</td>
                    <td class="buttons">{approve} {pay} {reverse} {trace}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="hint">{i.tf("ledger.threshold", &[("amount", &money(view.approval_threshold_cents))])}</p>
        <div class="table-wrap">
            <table class="ledger-table">
                <thead><tr>
                    <th scope="col">{i.t("ledger.date")}</th>
                    <th scope="col">{i.t("ledger.description")}</th>
                    <th scope="col">{i.t("ledger.amount")}</th>
                    <th scope="col">{i.t("ledger.status")}</th>
                    <th scope="col">{i.t("ledger.recorded_by")}</th>
                    <th scope="col">{i.t("ledger.approved_by")}</th>
                    <th scope="col"><span class="visually-hidden">{i.t("request.actions")}</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn ledger_button(
    i: I18n,
    test_id: &'static str,
    key: &'static str,
    command: Command,
) -> impl IntoView {
    let ctx = use_ctx();
    let command = StoredValue::new(command);
    view! {
        <button type="button" data-testid=test_id
            on:click=move |_| command.with_value(|c| ctx.send(i.t(key), c))>
            {i.t(key)}
        </button>
    }
}

/// A donation into cash, bank or a payment app, or an expense paid from one of them.
#[component]
fn RecordForm(accounts: Vec<Account>, threshold: i64) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let accounts = StoredValue::new(accounts);
    let kind = RwSignal::new("expense".to_owned());
    let amount = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let money_account = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let receipt = RwSignal::new(String::new());
    let donor = RwSignal::new(String::new());
    let kinds = Signal::derive(move || {
        vec![
            ("expense".to_owned(), i.t("record.expense")),
            ("donation".to_owned(), i.t("record.donation")),
        ]
    });
    let of_class = move |wanted: AccountClass| {
        let mut choices = vec![(String::new(), i.t("choose"))];
        accounts.with_value(|a| {
            choices.extend(
                a.iter()
                    .filter(|a| {
                        !a.closed
                            && a.kind.class() == wanted
                            && a.kind != AccountKind::OpeningBalances
                    })
                    .map(|a| (a.account_id.to_string(), a.name.clone())),
            );
        });
        choices
    };
    let money_accounts = Signal::derive(move || {
        let mut choices = of_class(AccountClass::Asset);
        choices.retain(|(id, _)| {
            id.is_empty()
                || accounts.with_value(|a| {
                    a.iter().any(|a| a.account_id.as_str() == id && a.kind.is_channel())
                })
        });
        choices
    });
    let categories = Signal::derive(move || {
        if kind.get() == "donation" {
            of_class(AccountClass::Income)
        } else {
            of_class(AccountClass::Expense)
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(cents) = parse_cents(&amount.get_untracked()).filter(|c| *c > 0) else {
            return ctx.outbox.error(i.t("record.bad_amount"));
        };
        let (from, to) = (money_account.get_untracked(), category.get_untracked());
        if from.is_empty() || to.is_empty() {
            return ctx.outbox.error(i.t("record.choose_accounts"));
        }
        let donation = kind.get_untracked() == "donation";
        let postings = if donation {
            vec![
                Posting { account_id: from.as_str().into(), amount_cents: cents },
                Posting { account_id: to.as_str().into(), amount_cents: -cents },
            ]
        } else {
            vec![
                Posting { account_id: to.as_str().into(), amount_cents: cents },
                Posting { account_id: from.as_str().into(), amount_cents: -cents },
            ]
        };
        let receipt = receipt.get_untracked().trim().to_owned();
        let donor_name = donor.get_untracked().trim().to_owned();
        let command = Command::RecordTransaction {
            transaction_id: new_id("t").as_str().into(),
            on_day: day_of(ctx.now.get_untracked()),
            description: description.get_untracked().trim().to_owned(),
            currency: Currency::USD,
            postings,
            receipt: (!receipt.is_empty()).then_some(receipt),
            paid_for: None,
            donor: (donation && !donor_name.is_empty())
                .then_some(Donor { public_name: Some(donor_name), personal_data: None }),
        };
        ctx.send(i.t("record.label"), &command);
        amount.set(String::new());
        description.set(String::new());
    };
    view! {
        <form class="stacked" data-testid="record-form" on:submit=submit>
            <h3>{move || i.t("record.title")}</h3>
            <p class="hint">{move || i.tf("ledger.threshold", &[("amount", &money(threshold))])}</p>
            <Choice id="record-kind" label="record.kind" options=kinds value=kind />
            <Field id="record-amount" label="record.amount" value=amount required=true />
            <Field id="record-description" label="record.description" value=description required=true />
            <Choice id="record-money" label="record.money_account" options=money_accounts value=money_account />
            <Choice id="record-category" label="record.category" options=categories value=category />
            <Field id="record-receipt" label="record.receipt" value=receipt />
            {move || (kind.get() == "donation").then(|| view! { <Field id="record-donor" label="record.donor" value=donor /> })}
            <button type="submit">{move || i.t("record.submit")}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_typed_with_a_point_or_a_comma_become_cents() {
        crate::i18n::loaded();
        assert_eq!(parse_cents("150"), Some(15_000));
        assert_eq!(parse_cents("150.5"), Some(15_050));
        assert_eq!(parse_cents("150,05"), Some(15_005));
        assert_eq!(parse_cents(" 0.99 "), Some(99));
        for bad in ["", "abc", "1.234", "-5", "1.2.3", ".5"] {
            assert_eq!(parse_cents(bad), None, "{bad}");
        }
        assert_eq!(money(-1234), "−12.34");
        assert_eq!(year_month("2026-11"), Some((2026, 11)));
    }

    #[test]
    fn every_account_kind_and_status_has_words() {
        crate::i18n::loaded();
        use crate::i18n::Lang;

        let statuses = [
            TransactionStatus::Posted,
            TransactionStatus::AwaitingPayment,
            TransactionStatus::Paid { paid_on_day: 0, paid_by: "a".into() },
            TransactionStatus::Declined { declined_by: "a".into(), reason: String::new() },
        ];
        let mut keys: Vec<&str> = AccountKind::ALL.map(kind_key).to_vec();
        keys.extend(statuses.iter().map(status_key));
        keys.extend([
            "ledger.approve",
            "ledger.pay",
            "ledger.status",
            "record.kind",
            "record.amount",
        ]);
        for lang in Lang::ALL {
            for key in &keys {
                assert!(!lang.text(key).is_empty(), "{}: {key}", lang.tag());
            }
        }
    }
}
