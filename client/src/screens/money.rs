//! The money screen: the month's statement for everyone in the group (printable, and as
//! CSV), and for finance, coordinators and auditors the ledger with its filters, where
//! finance records donations and expenses and a second member approves what needs it;
//! reversals, grants and donated goods are in [`books`].
//!
//! The books are read over HTTP (`/api/statements`, `/api/ledger`) and read again whenever
//! a ledger event arrives on the live feed.

pub mod books;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::access::View;
use shared::distribution::day::days_in_month;
use shared::ledger::{
    Account, AccountClass, AccountKind, Command, Currency, Donor, Posting, TransactionStatus,
};
use shared::view::LedgerView;

use crate::api::{self, Failure};
use crate::ctx::kinds;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::{Action, new_id};
use crate::route::Route;
use crate::ui::form::{ActionButton, ActionForm, Choice, Choices, Field};
use crate::ui::statement::Statement;
use crate::ui::{format, labels, words};

#[component]
pub fn MoneyScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let reads_ledger = ctx.may_view(View::Ledger);
    let period = RwSignal::new(format::month_of(format::day_of(ctx.now.get_untracked())));
    view! {
        <main class="money-screen" data-testid="money-screen">
            <Statement period=period />
            {reads_ledger.then(|| view! { <LedgerSection period=period /> })}
            <p class="hint print-hide">{move || i.t("money.privacy")}</p>
        </main>
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
        let (y, m) = format::parse_month(&period.get())?;
        let last = days_in_month(y, m)?;
        Some(format!(
            "/api/exports/transactions.csv?from={y:04}-{m:02}-01&to={y:04}-{m:02}-{last:02}"
        ))
    };
    let statuses = Signal::derive(move || {
        let mut choices = vec![(String::new(), i.t("ledger.all"))];
        for s in [TransactionStatus::AwaitingPayment, TransactionStatus::Posted] {
            choices.push((
                labels::transaction_slug(&s).to_owned(),
                i.t(labels::transaction_status(&s)),
            ));
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
    // The forms are made again only when what they offer changes (an account opened, goods
    // recorded), not on every money event: what someone is typing survives others' news.
    let chart = Memo::new(move |_| {
        shown.get().and_then(Result::ok).map(|v| (v.accounts, v.approval_threshold_cents))
    });
    let goods = Memo::new(move |_| shown.get().and_then(Result::ok).map(|v| v.goods));
    let grants =
        Memo::new(move |_| shown.get().and_then(Result::ok).map(|v| (v.grants, v.accounts)));
    view! {
        <section class="ledger print-hide" data-testid="ledger">
            <h2>{move || i.t("money.ledger")}</h2>
            {move || chart.get().filter(|_| ctx.may(kinds::Money::RecordTransaction))
                .map(|(accounts, threshold)| view! { <RecordForm accounts=accounts threshold=threshold /> })}
            <div class="toolbar">
                <Choice id="ledger-status" label="ledger.status" options=statuses value=status />
                <Choice id="ledger-account" label="money.account" options=accounts value=account />
                <a href=csv download>{move || i.t("money.csv")}</a>
                <a href=accounting download>{move || i.t("ledger.export_csv")}</a>
            </div>
            <books::ReverseForm reversing=reversing />
            {move || shown.get().map(|answer| match answer {
                Ok(view) => transactions_view(i, view, reversing).into_any(),
                Err(failure) => view! { <p class="error" role="alert">{words::failure(i, failure)}</p> }.into_any(),
            })}
            {move || grants.get().map(|(grants, accounts)| view! { <books::Grants grants=grants accounts=accounts /> })}
            {move || goods.get().map(|goods| view! { <books::Goods goods=goods /> })}
        </section>
    }
}

/// What approving or paying an expense sends.
pub fn ledger_action(i: I18n, key: &'static str, command: &Command) -> Result<Action, String> {
    Action::new(i.t(key), command)
}

fn transactions_view(
    i: I18n,
    view: LedgerView,
    reversing: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let me = ctx.my_id();
    // Those who read the log can follow a transaction to the events and commands behind it.
    let audits = ctx.may_view(View::Log);
    let name = |id: &str| {
        view.accounts
            .iter()
            .find(|a| a.account_id.as_str() == id)
            .map_or(id.to_owned(), |a| a.name.clone())
    };
    let member = |id: &str| ctx.live.with_untracked(|live| live.member_name(id).to_owned());
    let button = move |test_id: &'static str, key: &'static str, command: Command| {
        let command = StoredValue::new(command);
        view! { <ActionButton test_id=test_id label=key action=move || command.with_value(|c| ledger_action(i, key, c)) /> }
    };
    let rows = view
        .transactions
        .iter()
        .map(|t| {
            let postings = t
                .postings
                .iter()
                .map(|p| format!("{} {}", name(p.account_id.as_str()), format::money(p.amount_cents)))
                .collect::<Vec<_>>()
                .join(" · ");
            let amount = t.postings.iter().filter(|p| p.amount_cents > 0).map(|p| p.amount_cents).sum::<i64>();
            let awaiting = t.status == TransactionStatus::AwaitingPayment;
            let id = t.transaction_id.to_string();
            let approve = (awaiting && t.needs_approval && t.approved_by.is_none() && ctx.may(kinds::Money::ApproveExpense) && t.recorded_by.as_str() != me)
                .then(|| button("approve", "ledger.approve", Command::ApproveExpense { transaction_id: id.as_str().into() }));
            let payable = awaiting && (!t.needs_approval || t.approved_by.is_some());
            let pay = (payable && ctx.may(kinds::Money::PayExpense)).then(|| {
                let today = format::day_of(ctx.now.get_untracked());
                button("pay", "ledger.pay", Command::PayExpense { transaction_id: id.as_str().into(), paid_on_day: today })
            });
            let note = (awaiting && t.needs_approval && t.approved_by.is_none()).then(|| i.t("ledger.needs_approval"));
            let reverse = (books::reversible(t) && ctx.may(kinds::Money::ReverseTransaction)).then(|| {
                let chosen = (id.clone(), t.description.clone());
                view! {
                    <button type="button" class="secondary" data-testid="reverse"
                        on:click=move |_| reversing.set(Some(chosen.clone()))>{i.t("reverse.button")}</button>
                }
            });
            let reversal = books::reversal_words(i, t);
            let trace = audits.then(|| {
                view! { <a href=Route::Audit(id.clone()).href() data-testid="trace">{i.t("ledger.trace")}</a> }
            });
            view! {
                <tr data-testid="transaction" data-transaction-id=id.clone() data-status=labels::transaction_slug(&t.status)>
                    <td>{words::date(i, t.on_day)}</td>
                    <td>{t.description.clone()}
                        {t.donor_public_name.clone().map(|d| format!(" ({d})"))}
                        <div class="hint">{postings}</div>
                        {reversal.map(|r| view! { <div class="hint" data-testid="reversal">{r}</div> })}</td>
                    <td class="amount">{format::money(amount)}</td>
                    <td>{i.t(labels::transaction_status(&t.status))} {note.map(|n| view! { <div class="hint">{n}</div> })}</td>
                    <td>{member(t.recorded_by.as_str())}</td>
                    <td>{t.approved_by.as_ref().map(|a| member(a.as_str()))}</td>
                    <td class="buttons">{approve} {pay} {reverse} {trace}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="hint">{i.tf("ledger.threshold", &[("amount", &format::money(view.approval_threshold_cents))])}</p>
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

/// What the record form holds when it is sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// `expense` or `donation`.
    pub kind: String,
    pub amount: String,
    pub description: String,
    /// The cash, bank or payment-app account the money moved through.
    pub money_account: String,
    /// The income or expense account.
    pub category: String,
    pub receipt: String,
    /// The name a donor chose to be thanked by, if any.
    pub donor: String,
    /// The day the money moved, a date input's value; empty for today. When it was recorded
    /// is the log's own.
    pub date: String,
}

/// What the record form sends: a donation into a money account, or an expense paid from one.
pub fn record(i: I18n, today: i64, entry: &Entry) -> Result<Action, String> {
    let cents = format::parse_cents(&entry.amount)
        .filter(|c| *c > 0)
        .ok_or_else(|| i.t("record.bad_amount"))?;
    let (from, to) = (entry.money_account.as_str(), entry.category.as_str());
    if from.is_empty() || to.is_empty() {
        return Err(i.t("record.choose_accounts"));
    }
    let donation = entry.kind == "donation";
    let (debit, credit) = if donation { (from, to) } else { (to, from) };
    let postings = vec![
        Posting { account_id: debit.into(), amount_cents: cents },
        Posting { account_id: credit.into(), amount_cents: -cents },
    ];
    let on_day = match entry.date.trim() {
        "" => today,
        date => format::parse_date(date).ok_or_else(|| i.t("record.bad_date"))?,
    };
    if on_day > today {
        return Err(i.t("record.future_date"));
    }
    let receipt = entry.receipt.trim();
    let donor = entry.donor.trim();
    let command = Command::RecordTransaction {
        transaction_id: new_id("t").as_str().into(),
        on_day,
        description: entry.description.trim().to_owned(),
        currency: Currency::USD,
        postings,
        receipt: (!receipt.is_empty()).then(|| receipt.to_owned()),
        paid_for: None,
        donor: (donation && !donor.is_empty())
            .then(|| Donor { public_name: Some(donor.to_owned()), personal_data: None }),
    };
    Action::new(i.t("record.label"), &command)
}

/// Money accounts (cash, bank, payment apps) and the income or expense categories.
fn account_choices(i: I18n, accounts: &[Account], wanted: AccountClass) -> Choices {
    let mut choices = vec![(String::new(), i.t("choose"))];
    choices.extend(
        accounts
            .iter()
            .filter(|a| {
                !a.closed && a.kind.class() == wanted && a.kind != AccountKind::OpeningBalances
            })
            .filter(|a| wanted != AccountClass::Asset || a.kind.is_channel())
            .map(|a| (a.account_id.to_string(), a.name.clone())),
    );
    choices
}

/// A donation into cash, bank or a payment app, or an expense paid from one of them.
#[component]
fn RecordForm(accounts: Vec<Account>, threshold: i64) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let accounts = StoredValue::new(accounts);
    let kind = RwSignal::new("expense".to_owned());
    let [amount, description, money_account, category, receipt, donor] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    // The day the money moved: today unless the receipt says otherwise, never later.
    let today = format::date(format::day_of(ctx.now.get_untracked()));
    let date = RwSignal::new(today.clone());
    let kinds = Signal::derive(move || {
        vec![
            ("expense".to_owned(), i.t("record.expense")),
            ("donation".to_owned(), i.t("record.donation")),
        ]
    });
    let money_accounts =
        Signal::derive(move || accounts.with_value(|a| account_choices(i, a, AccountClass::Asset)));
    let categories = Signal::derive(move || {
        let class =
            if kind.get() == "donation" { AccountClass::Income } else { AccountClass::Expense };
        accounts.with_value(|a| account_choices(i, a, class))
    });
    let action = move || {
        let entry = Entry {
            kind: kind.get_untracked(),
            amount: amount.get_untracked(),
            description: description.get_untracked(),
            money_account: money_account.get_untracked(),
            category: category.get_untracked(),
            receipt: receipt.get_untracked(),
            donor: donor.get_untracked(),
            date: date.get_untracked(),
        };
        record(i, format::day_of(ctx.now.get_untracked()), &entry)
    };
    let on_done = Callback::new(move |()| {
        for field in [amount, description, receipt, donor] {
            field.set(String::new());
        }
    });
    view! {
        <ActionForm test_id="record-form" submit="record.submit" action=action on_done=on_done>
            <h3>{move || i.t("record.title")}</h3>
            <p class="hint">{move || i.tf("ledger.threshold", &[("amount", &format::money(threshold))])}</p>
            <Choice id="record-kind" label="record.kind" options=kinds value=kind />
            <Field id="record-date" label="record.date" value=date kind="date" required=true max=today />
            <Field id="record-amount" label="record.amount" value=amount required=true />
            <Field id="record-description" label="record.description" value=description required=true />
            <Choice id="record-money" label="record.money_account" options=money_accounts value=money_account />
            <Choice id="record-category" label="record.category" options=categories value=category />
            <Field id="record-receipt" label="record.receipt" value=receipt />
            {move || (kind.get() == "donation").then(|| view! { <Field id="record-donor" label="record.donor" value=donor /> })}
        </ActionForm>
    }
}
