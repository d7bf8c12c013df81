//! The rest of the books on the money screen: correcting a transaction by reversing it (with
//! a reason; nothing is edited), grants from application to money received, and donated
//! goods with their estimated value.

use leptos::prelude::*;
use shared::ledger::{
    Account, AccountKind, Command, Donor, GoodsDonation, Grant, GrantStage, Transaction,
};

use crate::ctx::kinds;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::{Action, new_id};
use crate::ui::form::{ActionForm, Choice, Choices, Field};
use crate::ui::{format, words};

/// Whether finance may correct `t` by a reversal: it took effect, it is not a reversal
/// itself, and nothing reversed it yet.
pub fn reversible(t: &Transaction) -> bool {
    t.reverses.is_none() && t.reversed_by.is_none() && t.effective_day().is_some()
}

/// What a transaction has to do with reversals, in words.
pub fn reversal_words(i: I18n, t: &Transaction) -> Option<String> {
    if let Some(original) = &t.reverses {
        let reason = t.reason.clone().unwrap_or_default();
        return Some(i.tf("reverse.reverses", &[("id", original.as_str()), ("reason", &reason)]));
    }
    t.reversed_by.as_ref().map(|by| i.tf("reverse.reversed_by", &[("id", by.as_str())]))
}

/// What reversing a transaction sends, dated `today`.
pub fn reverse(i: I18n, today: i64, transaction: &str, reason: &str) -> Result<Action, String> {
    let command = Command::ReverseTransaction {
        reversal_id: new_id("t").as_str().into(),
        transaction_id: transaction.into(),
        on_day: today,
        reason: reason.trim().to_owned(),
    };
    Action::new(i.t("reverse.label"), &command)
}

/// Reverses the chosen transaction, dated today, with the reason typed.
#[component]
pub fn ReverseForm(reversing: RwSignal<Option<(String, String)>>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let reason = RwSignal::new(String::new());
    let action = move || {
        let (id, _) = reversing.get_untracked().ok_or_else(|| i.t("choose"))?;
        reverse(i, format::day_of(ctx.now.get_untracked()), &id, &reason.get_untracked())
    };
    let on_done = Callback::new(move |()| {
        reason.set(String::new());
        reversing.set(None);
    });
    move || {
        reversing.get().map(|(_, description)| view! {
            <ActionForm test_id="reverse-form" submit="reverse.submit" action=action on_done=on_done class="stacked reverse">
                <h3>{i.tf("reverse.title", &[("what", &description)])}</h3>
                <p class="hint">{i.t("reverse.hint")}</p>
                <Field id="reverse-reason" label="reverse.reason" value=reason required=true />
                <button type="button" class="secondary" on:click=move |_| reversing.set(None)>{i.t("reverse.cancel")}</button>
            </ActionForm>
        })
    }
}

/// A grant's stage in words.
fn grant_stage(i: I18n, grant: &Grant) -> String {
    match &grant.stage {
        GrantStage::Awarded { awarded_cents, awarded_on_day } => i.tf(
            "grant.awarded_on",
            &[
                ("amount", &format::money(*awarded_cents)),
                ("date", &words::date(i, *awarded_on_day)),
            ],
        ),
        GrantStage::Declined { on_day } => {
            i.tf("grant.declined_on", &[("date", &words::date(i, *on_day))])
        }
        GrantStage::Applied => i.t("grant.applied"),
    }
}

/// Grants: applied, awarded or declined, and what came in; finance records each step.
#[component]
pub fn Grants(grants: Vec<Grant>, accounts: Vec<Account>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let rows = grants
        .iter()
        .map(|g| {
            view! {
                <tr data-testid="grant" data-grant-id=g.grant_id.to_string()>
                    <th scope="row">{g.funder.clone()} <div class="hint">{g.purpose.clone()}</div></th>
                    <td>{words::date(i, g.applied_on_day)}</td>
                    <td class="amount">{format::money(g.requested_cents)}</td>
                    <td>{grant_stage(i, g)}</td>
                    <td class="amount" data-testid="grant-received">{format::money(g.received_cents)}</td>
                </tr>
            }
        })
        .collect_view();
    let listed = !grants.is_empty();
    let form = ctx
        .may(kinds::Money::ApplyForGrant)
        .then(|| view! { <GrantForm grants=grants accounts=accounts /> });
    view! {
        <section class="grants print-hide" data-testid="grants">
            <h2>{i.t("grant.title")}</h2>
            {listed.then(|| view! {
                <div class="table-wrap"><table>
                    <thead><tr>
                        <th scope="col">{i.t("grant.funder")}</th>
                        <th scope="col">{i.t("grant.applied_on")}</th>
                        <th scope="col">{i.t("grant.requested")}</th>
                        <th scope="col">{i.t("ledger.status")}</th>
                        <th scope="col">{i.t("grant.received")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table></div>
            })}
            {form}
        </section>
    }
}

/// What the grant form holds when it is sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GrantStep {
    /// `apply`, `award`, `decline` or `receive`.
    pub action: String,
    pub grant: String,
    pub funder: String,
    pub purpose: String,
    pub amount: String,
    /// The money account a received grant goes into.
    pub into: String,
    pub note: String,
}

/// What the grant form sends, dated `today`; `income` is the group's grants account.
pub fn grant_step(
    i: I18n,
    today: i64,
    income: Option<&str>,
    step: &GrantStep,
) -> Result<Action, String> {
    let cents = format::parse_cents(&step.amount).filter(|c| *c > 0);
    let action = step.action.as_str();
    if action != "apply" && step.grant.is_empty() {
        return Err(i.t("grant.choose"));
    }
    if action != "decline" && cents.is_none() {
        return Err(i.t("record.bad_amount"));
    }
    let cents = cents.unwrap_or_default();
    let grant_id = step.grant.as_str().into();
    let command = match action {
        "apply" => Command::ApplyForGrant {
            grant_id: new_id("grant").as_str().into(),
            funder: step.funder.trim().to_owned(),
            purpose: step.purpose.trim().to_owned(),
            requested_cents: cents,
            applied_on_day: today,
        },
        "award" => {
            Command::RecordGrantAward { grant_id, awarded_cents: cents, awarded_on_day: today }
        }
        "decline" => Command::RecordGrantDecline {
            grant_id,
            on_day: today,
            note: step.note.trim().to_owned(),
        },
        _ => {
            let (Some(income), false) = (income, step.into.is_empty()) else {
                return Err(i.t("record.choose_accounts"));
            };
            Command::ReceiveGrant {
                grant_id,
                transaction_id: new_id("t").as_str().into(),
                amount_cents: cents,
                received_on_day: today,
                into_account_id: step.into.as_str().into(),
                income_account_id: income.into(),
            }
        }
    };
    Action::new(i.t("grant.label"), &command)
}

#[component]
fn GrantForm(grants: Vec<Grant>, accounts: Vec<Account>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let action = RwSignal::new("apply".to_owned());
    let [grant, funder, purpose, amount, into, note] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let actions = Signal::derive(move || {
        [
            ("apply", "grant.apply"),
            ("award", "grant.award"),
            ("decline", "grant.decline"),
            ("receive", "grant.receive"),
        ]
        .map(|(v, key)| (v.to_owned(), i.t(key)))
        .to_vec()
    });
    let grant_list: Choices =
        grants.iter().map(|g| (g.grant_id.to_string(), g.funder.clone())).collect();
    let grant_choices = Signal::derive(move || {
        let mut list = vec![(String::new(), i.t("choose"))];
        list.extend(grant_list.iter().cloned());
        list
    });
    let channels: Choices = accounts
        .iter()
        .filter(|a| !a.closed && a.kind.is_channel())
        .map(|a| (a.account_id.to_string(), a.name.clone()))
        .collect();
    let income = accounts
        .iter()
        .find(|a| !a.closed && a.kind == AccountKind::Grants)
        .map(|a| a.account_id.to_string());
    let into_choices = Signal::derive(move || {
        let mut list = vec![(String::new(), i.t("choose"))];
        list.extend(channels.iter().cloned());
        list
    });
    let is = move |wanted: &'static [&'static str]| wanted.contains(&action.get().as_str());
    let income = StoredValue::new(income);
    let send = move || {
        let step = GrantStep {
            action: action.get_untracked(),
            grant: grant.get_untracked(),
            funder: funder.get_untracked(),
            purpose: purpose.get_untracked(),
            amount: amount.get_untracked(),
            into: into.get_untracked(),
            note: note.get_untracked(),
        };
        let today = format::day_of(ctx.now.get_untracked());
        income.with_value(|income| grant_step(i, today, income.as_deref(), &step))
    };
    let on_done = Callback::new(move |()| amount.set(String::new()));
    view! {
        <details class="manage">
            <summary>{move || i.t("grant.manage")}</summary>
            <ActionForm test_id="grant-form" submit="roles.submit" action=send on_done=on_done>
                <Choice id="grant-action" label="roles.action" options=actions value=action />
                {move || (!is(&["apply"])).then(|| view! { <Choice id="grant-which" label="grant.funder" options=grant_choices value=grant /> })}
                {move || is(&["apply"]).then(|| view! {
                    <Field id="grant-funder" label="grant.funder" value=funder required=true />
                    <Field id="grant-purpose" label="grant.purpose" value=purpose required=true />
                })}
                {move || (!is(&["decline"])).then(|| view! { <Field id="grant-amount" label="record.amount" value=amount required=true /> })}
                {move || is(&["receive"]).then(|| view! { <Choice id="grant-into" label="record.money_account" options=into_choices value=into /> })}
                {move || is(&["decline"]).then(|| view! { <Field id="grant-note" label="grant.note" value=note /> })}
            </ActionForm>
        </details>
    }
}

/// What recording donated goods sends, dated `today`.
pub fn record_goods(
    i: I18n,
    today: i64,
    description: &str,
    value: &str,
    donor: &str,
) -> Result<Action, String> {
    let cents =
        format::parse_cents(value).filter(|c| *c > 0).ok_or_else(|| i.t("record.bad_amount"))?;
    let donor = donor.trim();
    let command = Command::RecordGoodsDonation {
        donation_id: new_id("goods").as_str().into(),
        on_day: today,
        description: description.trim().to_owned(),
        estimated_value_cents: cents,
        partner_id: None,
        donor: (!donor.is_empty())
            .then(|| Donor { public_name: Some(donor.to_owned()), personal_data: None }),
    };
    Action::new(i.t("goods.label"), &command)
}

/// What reversing a goods donation sends, dated `today`.
pub fn reverse_goods(i: I18n, today: i64, donation: &str, reason: &str) -> Result<Action, String> {
    let command = Command::ReverseGoodsDonation {
        donation_id: donation.into(),
        on_day: today,
        reason: reason.trim().to_owned(),
    };
    Action::new(i.t("reverse.label"), &command)
}

/// Donated goods and their estimated value; finance records them.
#[component]
pub fn Goods(goods: Vec<GoodsDonation>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let total: i64 =
        goods.iter().filter(|g| g.reversed.is_none()).map(|g| g.estimated_value_cents).sum();
    let correcting = RwSignal::new(None::<(String, String)>);
    let may_reverse = ctx.may(kinds::Money::ReverseGoodsDonation);
    let member = |id: &str| ctx.live.with_untracked(|live| live.member_name(id).to_owned());
    let rows = goods
        .iter()
        .map(|g| {
            let reversed = g.reversed.as_ref().map(|r| i.tf("goods.reversed", &[("reason", &r.reason)]));
            let reverse = (may_reverse && g.reversed.is_none()).then(|| {
                let chosen = (g.donation_id.to_string(), g.description.clone());
                view! {
                    <button type="button" class="secondary" data-testid="reverse-goods"
                        on:click=move |_| correcting.set(Some(chosen.clone()))>{i.t("reverse.button")}</button>
                }
            });
            view! {
                <tr data-testid="goods" class:ended=g.reversed.is_some()>
                    <td>{words::date(i, g.on_day)}</td>
                    <td>{g.description.clone()} {g.donor_public_name.clone().map(|d| format!(" ({d})"))}
                        {reversed.map(|r| view! { <div class="hint">{r}</div> })}</td>
                    <td class="amount">{format::money(g.estimated_value_cents)}</td>
                    <td>{member(g.recorded_by.as_str())}</td>
                    <td class="buttons">{reverse}</td>
                </tr>
            }
        })
        .collect_view();
    let [description, value, donor] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let action = move || {
        let today = format::day_of(ctx.now.get_untracked());
        record_goods(
            i,
            today,
            &description.get_untracked(),
            &value.get_untracked(),
            &donor.get_untracked(),
        )
    };
    let on_done = Callback::new(move |()| {
        for field in [description, value, donor] {
            field.set(String::new());
        }
    });
    view! {
        <section class="goods print-hide" data-testid="goods-section">
            <h2>{i.t("goods.title")}</h2>
            <p class="hint">{i.tf("goods.total", &[("amount", &format::money(total))])}</p>
            <GoodsReversal correcting=correcting />
            <div class="table-wrap"><table><tbody>{rows}</tbody></table></div>
            {ctx.may(kinds::Money::RecordGoodsDonation).then(|| view! {
                <details class="manage">
                    <summary>{i.t("goods.record")}</summary>
                    <ActionForm test_id="goods-form" submit="goods.record" action=action on_done=on_done>
                        <Field id="goods-description" label="record.description" value=description required=true />
                        <Field id="goods-value" label="goods.value" value=value required=true />
                        <Field id="goods-donor" label="record.donor" value=donor />
                    </ActionForm>
                </details>
            })}
        </section>
    }
}

/// Reverses a goods donation recorded with a wrong estimate (it is then recorded again).
#[component]
fn GoodsReversal(correcting: RwSignal<Option<(String, String)>>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let reason = RwSignal::new(String::new());
    let action = move || {
        let (id, _) = correcting.get_untracked().ok_or_else(|| i.t("choose"))?;
        reverse_goods(i, format::day_of(ctx.now.get_untracked()), &id, &reason.get_untracked())
    };
    let on_done = Callback::new(move |()| {
        reason.set(String::new());
        correcting.set(None);
    });
    move || {
        correcting.get().map(|(_, description)| view! {
            <ActionForm test_id="reverse-goods-form" submit="reverse.submit" action=action on_done=on_done class="stacked reverse">
                <h3>{i.tf("reverse.title", &[("what", &description)])}</h3>
                <Field id="reverse-goods-reason" label="reverse.reason" value=reason required=true />
                <button type="button" class="secondary" on:click=move |_| correcting.set(None)>{i.t("reverse.cancel")}</button>
            </ActionForm>
        })
    }
}
