//! The rest of the books on the money screen: correcting a transaction by reversing it (with
//! a reason; nothing is edited), grants from application to money received, and donated
//! goods with their estimated value.

use leptos::prelude::*;
use serde_json::Value;

use shared::distribution::day::day_of;
use shared::ledger::{Account, AccountKind, Command, GoodsDonation, Transaction};

use crate::app::use_ctx;
use crate::forms::{Choice, Field};
use crate::i18n::{I18n, use_i18n};
use crate::money::{money, parse_cents};
use crate::outbox::new_id;
use crate::screens::date_label;

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

/// Reverses the chosen transaction, dated today, with the reason typed.
#[component]
pub fn ReverseForm(reversing: RwSignal<Option<(String, String)>>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let reason = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((id, _)) = reversing.get_untracked() else { return };
        let command = Command::ReverseTransaction {
            reversal_id: new_id("t").as_str().into(),
            transaction_id: id.as_str().into(),
            on_day: day_of(ctx.now.get_untracked()),
            reason: reason.get_untracked().trim().to_owned(),
        };
        ctx.send(i.t("reverse.label"), &command);
        reason.set(String::new());
        reversing.set(None);
    };
    view! {
        {move || reversing.get().map(|(_, description)| view! {
            <form class="stacked reverse" data-testid="reverse-form" on:submit=submit>
                <h3>{i.tf("reverse.title", &[("what", &description)])}</h3>
                <p class="hint">{i.t("reverse.hint")}</p>
                <Field id="reverse-reason" label="reverse.reason" value=reason required=true />
                <div class="buttons">
                    <button type="submit">{i.t("reverse.submit")}</button>
                    <button type="button" class="secondary" on:click=move |_| reversing.set(None)>{i.t("reverse.cancel")}</button>
                </div>
            </form>
        })}
    }
}

fn number(value: &Value, field: &str) -> i64 {
    value.get(field).and_then(Value::as_i64).unwrap_or_default()
}

fn text(value: &Value, field: &str) -> String {
    value.get(field).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// A grant's stage in words (grants are read as JSON: `GrantStage` is internally tagged).
fn grant_stage(i: I18n, grant: &Value) -> String {
    let stage = grant.get("stage").unwrap_or(&Value::Null);
    match stage.get("stage").and_then(Value::as_str) {
        Some("awarded") => i.tf(
            "grant.awarded_on",
            &[
                ("amount", &money(number(stage, "awarded_cents"))),
                ("date", &date_label(number(stage, "awarded_on_day"))),
            ],
        ),
        Some("declined") => {
            i.tf("grant.declined_on", &[("date", &date_label(number(stage, "on_day")))])
        }
        _ => i.t("grant.applied"),
    }
}

/// Grants: applied, awarded or declined, and what came in; finance records each step.
#[component]
pub fn Grants(grants: Vec<Value>, accounts: Vec<Account>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let rows = grants
        .iter()
        .map(|g| {
            view! {
                <tr data-testid="grant" data-grant-id=text(g, "grant_id")>
                    <th scope="row">{text(g, "funder")} <div class="hint">{text(g, "purpose")}</div></th>
                    <td>{date_label(number(g, "applied_on_day"))}</td>
                    <td class="amount">{money(number(g, "requested_cents"))}</td>
                    <td>{grant_stage(i, g)}</td>
                    <td class="amount" data-testid="grant-received">{money(number(g, "received_cents"))}</td>
                </tr>
            }
        })
        .collect_view();
    let listed = !grants.is_empty();
    let form =
        ctx.may("ApplyForGrant").then(|| view! { <GrantForm grants=grants accounts=accounts /> });
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

#[component]
fn GrantForm(grants: Vec<Value>, accounts: Vec<Account>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let action = RwSignal::new("apply".to_owned());
    let grant = RwSignal::new(String::new());
    let funder = RwSignal::new(String::new());
    let purpose = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let into = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
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
    let grant_list: Vec<(String, String)> =
        grants.iter().map(|g| (text(g, "grant_id"), text(g, "funder"))).collect();
    let grant_choices = Signal::derive(move || {
        let mut list = vec![(String::new(), i.t("choose"))];
        list.extend(grant_list.iter().cloned());
        list
    });
    let channels: Vec<(String, String)> = accounts
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
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let action = action.get_untracked();
        let today = day_of(ctx.now.get_untracked());
        let cents = parse_cents(&amount.get_untracked()).filter(|c| *c > 0);
        let grant_id = grant.get_untracked();
        if action != "apply" && grant_id.is_empty() {
            return ctx.outbox.error(i.t("grant.choose"));
        }
        if action != "decline" && cents.is_none() {
            return ctx.outbox.error(i.t("record.bad_amount"));
        }
        let cents = cents.unwrap_or_default();
        let grant_id = grant_id.as_str().into();
        let command = match action.as_str() {
            "apply" => Command::ApplyForGrant {
                grant_id: new_id("grant").as_str().into(),
                funder: funder.get_untracked().trim().to_owned(),
                purpose: purpose.get_untracked().trim().to_owned(),
                requested_cents: cents,
                applied_on_day: today,
            },
            "award" => {
                Command::RecordGrantAward { grant_id, awarded_cents: cents, awarded_on_day: today }
            }
            "decline" => Command::RecordGrantDecline {
                grant_id,
                on_day: today,
                note: note.get_untracked().trim().to_owned(),
            },
            _ => {
                let (Some(income), false) = (income.clone(), into.get_untracked().is_empty())
                else {
                    return ctx.outbox.error(i.t("record.choose_accounts"));
                };
                Command::ReceiveGrant {
                    grant_id,
                    transaction_id: new_id("t").as_str().into(),
                    amount_cents: cents,
                    received_on_day: today,
                    into_account_id: into.get_untracked().as_str().into(),
                    income_account_id: income.as_str().into(),
                }
            }
        };
        ctx.send(i.t("grant.label"), &command);
        amount.set(String::new());
    };
    view! {
        <details class="manage">
            <summary>{move || i.t("grant.manage")}</summary>
            <form class="stacked" data-testid="grant-form" on:submit=submit>
                <Choice id="grant-action" label="roles.action" options=actions value=action />
                {move || (!is(&["apply"])).then(|| view! { <Choice id="grant-which" label="grant.funder" options=grant_choices value=grant /> })}
                {move || is(&["apply"]).then(|| view! {
                    <Field id="grant-funder" label="grant.funder" value=funder required=true />
                    <Field id="grant-purpose" label="grant.purpose" value=purpose required=true />
                })}
                {move || (!is(&["decline"])).then(|| view! { <Field id="grant-amount" label="record.amount" value=amount required=true /> })}
                {move || is(&["receive"]).then(|| view! { <Choice id="grant-into" label="record.money_account" options=into_choices value=into /> })}
                {move || is(&["decline"]).then(|| view! { <Field id="grant-note" label="grant.note" value=note /> })}
                <button type="submit">{move || i.t("roles.submit")}</button>
            </form>
        </details>
    }
}

/// Donated goods and their estimated value; finance records them.
#[component]
pub fn Goods(goods: Vec<GoodsDonation>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let total: i64 =
        goods.iter().filter(|g| g.reversed.is_none()).map(|g| g.estimated_value_cents).sum();
    let correcting = RwSignal::new(None::<(String, String)>);
    let may_reverse = ctx.may("ReverseGoodsDonation");
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
                    <td>{date_label(g.on_day)}</td>
                    <td>{g.description.clone()} {g.donor_public_name.clone().map(|d| format!(" ({d})"))}
                        {reversed.map(|r| view! { <div class="hint">{r}</div> })}</td>
                    <td class="amount">{money(g.estimated_value_cents)}</td>
                    <td>{g.recorded_by.to_string()}</td>
                    <td class="buttons">{reverse}</td>
                </tr>
            }
        })
        .collect_view();
    let description = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let donor = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(cents) = parse_cents(&value.get_untracked()).filter(|c| *c > 0) else {
            return ctx.outbox.error(i.t("record.bad_amount"));
        };
        let donor = donor.get_untracked().trim().to_owned();
        let command = Command::RecordGoodsDonation {
            donation_id: new_id("goods").as_str().into(),
            on_day: day_of(ctx.now.get_untracked()),
            description: description.get_untracked().trim().to_owned(),
            estimated_value_cents: cents,
            partner_id: None,
            donor: (!donor.is_empty())
                .then_some(shared::ledger::Donor { public_name: Some(donor), personal_data: None }),
        };
        ctx.send(i.t("goods.label"), &command);
        description.set(String::new());
        value.set(String::new());
    };
    view! {
        <section class="goods print-hide" data-testid="goods-section">
            <h2>{i.t("goods.title")}</h2>
            <p class="hint">{i.tf("goods.total", &[("amount", &money(total))])}</p>
            <GoodsReversal correcting=correcting />
            <div class="table-wrap"><table><tbody>{rows}</tbody></table></div>
            {ctx.may("RecordGoodsDonation").then(|| view! {
                <details class="manage">
                    <summary>{i.t("goods.record")}</summary>
                    <form class="stacked" data-testid="goods-form" on:submit=submit>
                        <Field id="goods-description" label="record.description" value=description required=true />
                        <Field id="goods-value" label="goods.value" value=value required=true />
                        <Field id="goods-donor" label="record.donor" value=donor />
                        <button type="submit">{i.t("goods.record")}</button>
                    </form>
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
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((id, _)) = correcting.get_untracked() else { return };
        let command = Command::ReverseGoodsDonation {
            donation_id: id.as_str().into(),
            on_day: day_of(ctx.now.get_untracked()),
            reason: reason.get_untracked().trim().to_owned(),
        };
        ctx.send(i.t("reverse.label"), &command);
        reason.set(String::new());
        correcting.set(None);
    };
    move || {
        correcting.get().map(|(_, description)| {
            view! {
                <form class="stacked reverse" data-testid="reverse-goods-form" on:submit=submit>
                    <h3>{i.tf("reverse.title", &[("what", &description)])}</h3>
                    <Field id="reverse-goods-reason" label="reverse.reason" value=reason required=true />
                    <div class="buttons">
                        <button type="submit">{i.t("reverse.submit")}</button>
                        <button type="button" class="secondary" on:click=move |_| correcting.set(None)>{i.t("reverse.cancel")}</button>
                    </div>
                </form>
            }
        })
    }
}
