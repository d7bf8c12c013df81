//! Forms: the labelled inputs every screen uses, request intake for a phone, and the stock
//! screen with its movements.

use leptos::prelude::*;
use serde::Serialize;

use shared::access::{self, View};
use shared::distribution::day::{day_of, day_of_date};
use shared::distribution::{
    AdjustmentReason, Command, ContactChannel, ItemCategory, NeedCategory, RequestLine,
    StockSource, Urgency,
};

use crate::app::{Ctx, Route, use_ctx};
use crate::i18n::{I18n, use_i18n};
use crate::labels;
use crate::outbox::new_id;
use crate::screens::date_label;

/// `(value, words)` choices for a select, from values that serialize to a string.
pub fn options<T: Serialize + Copy>(
    i: I18n,
    values: &[T],
    key: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| {
            let value = serde_json::to_value(v)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            (value, i.t(key(*v)))
        })
        .collect()
}

/// A labelled select.
#[component]
pub fn Choice(
    id: &'static str,
    label: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    value: RwSignal<String>,
) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="field">
            <label for=id>{move || i.t(label)}</label>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
                {move || options.get().into_iter().map(|(v, words)| {
                    let selected = v == value.get_untracked();
                    view! { <option value=v selected=selected>{words}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A labelled input.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="field">
            <label for=id>{move || i.t(label)}</label>
            <input id=id type=kind required=required
                inputmode=(kind == "number").then_some("numeric")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

/// One line of a request being typed in.
#[derive(Clone, Copy, Debug)]
struct LineInput {
    key: usize,
    item: RwSignal<String>,
    quantity: RwSignal<String>,
}

/// A new request, fast on a phone. The household's name, phone and address are optional
/// here and go to the server, which seals them before anything is written.
#[component]
pub fn IntakeScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    if !ctx.may("LogRequest") {
        return view! { <main><p data-testid="not-allowed">{move || i.t("error.not_allowed")}</p></main> }.into_any();
    }
    let need = RwSignal::new("food".to_owned());
    let size = RwSignal::new("1".to_owned());
    let urgency = RwSignal::new("routine".to_owned());
    let zone = RwSignal::new(String::new());
    let language = RwSignal::new(i.lang.get_untracked().tag().to_owned());
    let channel = RwSignal::new("phone".to_owned());
    let (name, phone, address, notes) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let next_key = StoredValue::new(1usize);
    let lines = RwSignal::new(vec![LineInput {
        key: 0,
        item: RwSignal::new(String::new()),
        quantity: RwSignal::new("1".to_owned()),
    }]);
    let problem = RwSignal::new(None::<String>);

    let needs = Signal::derive(move || options(i, &labels::NEEDS, labels::need));
    let urgencies = Signal::derive(move || options(i, &labels::URGENCIES, labels::urgency));
    let channels = Signal::derive(move || options(i, &labels::CHANNELS, labels::channel));
    let items = item_choices(i);

    let add_line = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        lines.update(|l| {
            l.push(LineInput {
                key,
                item: RwSignal::new(String::new()),
                quantity: RwSignal::new("1".to_owned()),
            })
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut request_lines: Vec<RequestLine> = Vec::new();
        for line in lines.get_untracked() {
            let item = line.item.get_untracked();
            if item.is_empty() {
                continue;
            }
            let Ok(quantity) = line.quantity.get_untracked().trim().parse::<i64>() else {
                problem.set(Some(i.t("intake.bad_quantity")));
                return;
            };
            match request_lines.iter_mut().find(|l| l.item_id.as_str() == item) {
                Some(existing) => existing.quantity += quantity,
                None => request_lines.push(RequestLine { item_id: item.as_str().into(), quantity }),
            }
        }
        let Ok(household_size) = size.get_untracked().trim().parse::<i64>() else {
            problem.set(Some(i.t("intake.bad_size")));
            return;
        };
        problem.set(None);
        let request_id = new_id("r");
        let command = Command::LogRequest {
            request_id: request_id.as_str().into(),
            household_id: new_id("h").as_str().into(),
            need_category: parse_or(&need.get_untracked(), NeedCategory::Other),
            lines: request_lines,
            household_size,
            urgency: parse_or(&urgency.get_untracked(), Urgency::Routine),
            zone: zone.get_untracked().trim().into(),
            preferred_language: language.get_untracked().trim().to_owned(),
            contact_channel: parse_or(&channel.get_untracked(), ContactChannel::Phone),
            personal_data: None,
        };
        let mut value = serde_json::to_value(&command).unwrap_or_default();
        let personal = [name, phone, address, notes].map(|s| s.get_untracked().trim().to_owned());
        if personal.iter().any(|p| !p.is_empty()) {
            let [name, phone, address, notes] = personal;
            value["personal_data"] = serde_json::json!({ "name": name, "phone": phone, "address": address, "notes": notes });
        }
        ctx.outbox.send(i.tf("action.log_request", &[("id", &request_id)]), value);
        ctx.go(Route::Request(request_id));
    };

    view! {
        <main class="intake-screen" data-testid="intake-screen">
            <h2>{move || i.t("intake.title")}</h2>
            <form class="stacked" on:submit=submit>
                <Choice id="intake-need" label="intake.need" options=needs value=need />
                <fieldset>
                    <legend>{move || i.t("intake.items")}</legend>
                    <For each=move || lines.get() key=|line| line.key let:line>
                        <div class="line-input">
                            <Choice id=leak_id("intake-item", line.key) label="intake.item" options=items value=line.item />
                            <Field id=leak_id("intake-quantity", line.key) label="intake.quantity" value=line.quantity kind="number" />
                            <button type="button" class="secondary"
                                on:click=move |_| lines.update(|l| l.retain(|x| x.key != line.key))>
                                {move || i.t("intake.remove_item")}
                            </button>
                        </div>
                    </For>
                    <button type="button" class="secondary" on:click=add_line>{move || i.t("intake.add_item")}</button>
                </fieldset>
                <Field id="intake-size" label="intake.household_size" value=size kind="number" required=true />
                <Choice id="intake-urgency" label="intake.urgency" options=urgencies value=urgency />
                <Field id="intake-zone" label="intake.zone" value=zone required=true />
                <Field id="intake-language" label="intake.language" value=language required=true />
                <Choice id="intake-channel" label="intake.channel" options=channels value=channel />
                <fieldset>
                    <legend>{move || i.t("intake.contact")}</legend>
                    <p class="hint">{move || i.t("intake.contact_hint")}</p>
                    <Field id="intake-name" label="contact.name" value=name />
                    <Field id="intake-phone" label="contact.phone" value=phone kind="tel" />
                    <Field id="intake-address" label="contact.address" value=address />
                    <Field id="intake-notes" label="contact.notes" value=notes />
                </fieldset>
                <p class="error" role="alert">{move || problem.get()}</p>
                <button type="submit" data-testid="intake-submit">{move || i.t("intake.submit")}</button>
            </form>
        </main>
    }
    .into_any()
}

/// The items the group has registered, by name, for selects; a blank first choice.
fn item_choices(i: I18n) -> Signal<Vec<(String, String)>> {
    let ctx = use_ctx();
    Signal::derive(move || {
        let mut items: Vec<(String, String)> = ctx.live.with(|live| {
            live.board
                .stock
                .items
                .iter()
                .filter(|(_, item)| !item.name.is_empty())
                .map(|(id, item)| (id.to_string(), format!("{} ({})", item.name, item.unit)))
                .collect()
        });
        items.sort_by(|a, b| a.1.cmp(&b.1));
        items.insert(0, (String::new(), i.t("choose")));
        items
    })
}

fn location_choices(i: I18n) -> Signal<Vec<(String, String)>> {
    let ctx = use_ctx();
    Signal::derive(move || {
        let mut locations = vec![(String::new(), i.t("choose"))];
        ctx.live.with(|live| {
            locations.extend(
                live.board.stock.locations.iter().map(|(id, name)| (id.to_string(), name.clone())),
            )
        });
        locations
    })
}

fn parse_or<T: serde::de::DeserializeOwned>(text: &str, fallback: T) -> T {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).unwrap_or(fallback)
}

fn leak_id(prefix: &str, key: usize) -> &'static str {
    Box::leak(format!("{prefix}-{key}").into_boxed_str())
}

/// Stock per item and location, and the forms that move it: receive, adjust, transfer and
/// the low-stock threshold, each for members whose roles allow it.
#[component]
pub fn StockScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let rows = move || {
        ctx.live.with(|live| {
            live.board
                .stock
                .rows(ctx.now.get())
                .into_iter()
                .map(|row| {
                    let threshold = live.board.stock.item(row.item_id.as_str()).map_or(0, |i| i.low_stock_threshold);
                    view! {
                        <tr data-testid="stock-row" data-item-id=row.item_id.to_string() data-location-id=row.location_id.to_string()>
                            <th scope="row">{live.item_name(row.item_id.as_str()).to_owned()}</th>
                            <td>{live.location_name(row.location_id.as_str()).to_owned()}</td>
                            <td data-testid="on-hand">{row.on_hand}</td>
                            <td>{row.reserved}</td>
                            <td data-testid="available">{row.available}</td>
                            <td>{row.expiring_soon}</td>
                            <td>{row.expired}</td>
                            <td>{(threshold > 0).then_some(threshold)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <main class="stock-screen" data-testid="stock-screen">
            <h2>{move || i.t("stock.title")}</h2>
            <div class="table-wrap">
                <table class="stock">
                    <thead><tr>
                        <th scope="col">{move || i.t("stock.item")}</th>
                        <th scope="col">{move || i.t("stock.location")}</th>
                        <th scope="col">{move || i.t("stock.on_hand")}</th>
                        <th scope="col">{move || i.t("stock.reserved")}</th>
                        <th scope="col">{move || i.t("stock.available")}</th>
                        <th scope="col">{move || i.t("stock.expiring")}</th>
                        <th scope="col">{move || i.t("stock.expired")}</th>
                        <th scope="col">{move || i.t("stock.threshold")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {may_view(&ctx, View::Stock).then(|| view! {
                <p><a href="/api/exports/stock_movements.csv" download>{move || i.t("stock.movements_csv")}</a></p>
            })}
            <div class="forms">
                {ctx.may("ReceiveStock").then(|| view! { <ReceiveForm /> })}
                {ctx.may("AdjustStock").then(|| view! { <AdjustForm /> })}
                {ctx.may("TransferStock").then(|| view! { <TransferForm /> })}
                {ctx.may("SetLowStockThreshold").then(|| view! { <ThresholdForm /> })}
            </div>
        </main>
    }
}

/// Whether the member's roles may read `view` (for download links of the same data).
pub fn may_view(ctx: &Ctx, view: View) -> bool {
    ctx.me.with_value(|me| access::may_view(&me.roles, view))
}

/// A whole number from a form, or a message for the person.
fn number(i: I18n, text: &str, field: &'static str) -> Result<i64, String> {
    text.trim()
        .parse()
        .map_err(|_| i.tf("form.not_a_number", &[("field", &i.t(field)), ("value", text)]))
}

#[component]
fn ReceiveForm() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let (item, location, quantity, expires) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let source = RwSignal::new("donation".to_owned());
    let partner = RwSignal::new(String::new());
    let sources = Signal::derive(move || {
        vec![
            ("donation".to_owned(), i.t("receive.donation")),
            ("purchase".to_owned(), i.t("receive.purchase")),
        ]
    });
    let partners = Signal::derive(move || {
        let mut partners = vec![(String::new(), i.t("choose"))];
        ctx.live.with(|live| {
            partners.extend(
                live.board.stock.partners.iter().map(|(id, name)| (id.to_string(), name.clone())),
            )
        });
        partners
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let quantity = match number(i, &quantity.get_untracked(), "form.quantity") {
            Ok(q) => q,
            Err(words) => return ctx.outbox.error(words),
        };
        let expires_on_day = parse_date(&expires.get_untracked());
        let is_food = ctx.live.with_untracked(|l| {
            l.board
                .stock
                .item(&item.get_untracked())
                .is_some_and(|i| i.category == ItemCategory::Food)
        });
        if is_food && expires_on_day.is_none() {
            return ctx.outbox.error(i.t("receive.food_needs_expiry"));
        }
        let partner_id = partner.get_untracked();
        let source = if source.get_untracked() == "purchase" {
            StockSource::Purchase {
                partner_id: (!partner_id.is_empty()).then(|| partner_id.as_str().into()),
                alert_id: None,
            }
        } else {
            StockSource::Donation { partner_id: partner_id.as_str().into() }
        };
        let command = Command::ReceiveStock {
            item_id: item.get_untracked().as_str().into(),
            location_id: location.get_untracked().as_str().into(),
            quantity,
            expires_on_day,
            source,
        };
        ctx.send(i.t("action.receive"), &command);
    };
    view! {
        <form class="stacked" data-testid="receive-form" on:submit=submit>
            <h3>{move || i.t("receive.title")}</h3>
            <Choice id="receive-item" label="form.item" options=item_choices(i) value=item />
            <Choice id="receive-location" label="form.location" options=location_choices(i) value=location />
            <Field id="receive-quantity" label="form.quantity" value=quantity kind="number" required=true />
            <Field id="receive-expires" label="receive.expires" value=expires kind="date" />
            <Choice id="receive-source" label="receive.source" options=sources value=source />
            <Choice id="receive-partner" label="receive.partner" options=partners value=partner />
            <button type="submit">{move || i.t("receive.submit")}</button>
        </form>
    }
}

/// "2026-11-29" as a day number.
pub(crate) fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    day_of_date(year, month, day)
}

#[component]
fn AdjustForm() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let batch = RwSignal::new(String::new());
    let change = RwSignal::new(String::new());
    let reason = RwSignal::new("count_correction".to_owned());
    let note = RwSignal::new(String::new());
    // A batch is an item at a location with an expiry day: "item|location|day".
    let batches = Signal::derive(move || {
        let today = day_of(ctx.now.get());
        let mut choices = vec![(String::new(), i.t("choose"))];
        ctx.live.with(|live| {
            for (item_id, item) in &live.board.stock.items {
                for b in &item.batches {
                    let expiry = b.expires_on_day.map(date_label).unwrap_or_default();
                    let expired = shared::distribution::day::is_expired(b.expires_on_day, today);
                    choices.push((
                        format!(
                            "{item_id}|{}|{}",
                            b.location_id,
                            b.expires_on_day.map(|d| d.to_string()).unwrap_or_default()
                        ),
                        format!(
                            "{} · {} · {} {}{}",
                            item.name,
                            live.location_name(b.location_id.as_str()),
                            b.on_hand,
                            expiry,
                            if expired {
                                format!(" ({})", i.t("stock.expired"))
                            } else {
                                String::new()
                            }
                        ),
                    ));
                }
            }
        });
        choices[1..].sort_by(|a, b| a.1.cmp(&b.1));
        choices
    });
    let reasons = Signal::derive(move || options(i, &labels::ADJUSTMENTS, labels::adjustment));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = batch.get_untracked();
        let mut parts = chosen.splitn(3, '|');
        let (Some(item_id), Some(location_id), Some(day)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return ctx.outbox.error(i.t("adjust.choose_batch"));
        };
        let change = match number(i, &change.get_untracked(), "adjust.change") {
            Ok(c) => c,
            Err(words) => return ctx.outbox.error(words),
        };
        let command = Command::AdjustStock {
            item_id: item_id.into(),
            location_id: location_id.into(),
            expires_on_day: day.parse().ok(),
            change,
            reason: parse_or(&reason.get_untracked(), AdjustmentReason::CountCorrection),
            note: note.get_untracked(),
            corrects_position: None,
        };
        ctx.send(i.t("action.adjust"), &command);
    };
    view! {
        <form class="stacked" data-testid="adjust-form" on:submit=submit>
            <h3>{move || i.t("adjust.title")}</h3>
            <Choice id="adjust-batch" label="adjust.batch" options=batches value=batch />
            <Field id="adjust-change" label="adjust.change" value=change kind="number" required=true />
            <Choice id="adjust-reason" label="adjust.reason" options=reasons value=reason />
            <Field id="adjust-note" label="adjust.note" value=note required=true />
            <button type="submit">{move || i.t("adjust.submit")}</button>
        </form>
    }
}

#[component]
fn TransferForm() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let (item, from, to, quantity) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let quantity = match number(i, &quantity.get_untracked(), "form.quantity") {
            Ok(q) => q,
            Err(words) => return ctx.outbox.error(words),
        };
        let command = Command::TransferStock {
            item_id: item.get_untracked().as_str().into(),
            from_location_id: from.get_untracked().as_str().into(),
            to_location_id: to.get_untracked().as_str().into(),
            quantity,
        };
        ctx.send(i.t("action.transfer"), &command);
    };
    view! {
        <form class="stacked" data-testid="transfer-form" on:submit=submit>
            <h3>{move || i.t("transfer.title")}</h3>
            <Choice id="transfer-item" label="form.item" options=item_choices(i) value=item />
            <Choice id="transfer-from" label="transfer.from" options=location_choices(i) value=from />
            <Choice id="transfer-to" label="transfer.to" options=location_choices(i) value=to />
            <Field id="transfer-quantity" label="form.quantity" value=quantity kind="number" required=true />
            <button type="submit">{move || i.t("transfer.submit")}</button>
        </form>
    }
}

#[component]
fn ThresholdForm() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let (item, quantity) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let quantity = match number(i, &quantity.get_untracked(), "form.quantity") {
            Ok(q) => q,
            Err(words) => return ctx.outbox.error(words),
        };
        let command = Command::SetLowStockThreshold {
            item_id: item.get_untracked().as_str().into(),
            quantity,
        };
        ctx.send(i.t("action.threshold"), &command);
    };
    view! {
        <form class="stacked" data-testid="threshold-form" on:submit=submit>
            <h3>{move || i.t("threshold.title")}</h3>
            <Choice id="threshold-item" label="form.item" options=item_choices(i) value=item />
            <Field id="threshold-quantity" label="form.quantity" value=quantity kind="number" required=true />
            <button type="submit">{move || i.t("threshold.submit")}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_a_date_input_become_day_numbers() {
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("2024-10-04"), Some(20_000));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date(""), None);
    }
}
