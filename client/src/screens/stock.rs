//! Stock per item and location, and the forms that move it: receive, adjust, transfer and
//! the low-stock threshold, each for members whose roles allow it.

use leptos::prelude::*;
use shared::access::View;
use shared::distribution::day::is_expired;
use shared::distribution::{AdjustmentReason, Command, ItemCategory, StockRow, StockSource};

use crate::ctx::kinds;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::live::Live;
use crate::outbox::Action;
use crate::ui::form::{ActionForm, Choice, Choices, Field, options, parse_slug};
use crate::ui::{choices, format, labels};

/// Which rows the table shows: all, or those that need someone's attention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    All,
    Low,
    Expiring,
    Expired,
}

impl Show {
    fn parse(value: &str) -> Show {
        match value {
            "low" => Show::Low,
            "expiring" => Show::Expiring,
            "expired" => Show::Expired,
            _ => Show::All,
        }
    }
}

/// Whether a row with these names and numbers is shown for `search` (any part of the item's
/// or the location's name, in any case) and `show`.
pub fn shown(names: [&str; 2], row: &StockRow, threshold: i64, search: &str, show: Show) -> bool {
    let search = search.trim().to_lowercase();
    let named = search.is_empty() || names.iter().any(|name| name.to_lowercase().contains(&search));
    named
        && match show {
            Show::All => true,
            Show::Low => threshold > 0 && row.available < threshold,
            Show::Expiring => row.expiring_soon > 0,
            Show::Expired => row.expired > 0,
        }
}

#[component]
pub fn StockScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let search = RwSignal::new(String::new());
    let show = RwSignal::new("all".to_owned());
    let shows = Signal::derive(move || {
        ["all", "low", "expiring", "expired"]
            .into_iter()
            .map(|value| (value.to_owned(), i.t(&format!("stock.show_{value}"))))
            .collect()
    });
    // The rows the filter lets through, and how many there are in all.
    let rows = move || {
        let (search, show) = (search.get(), Show::parse(&show.get()));
        ctx.live.with(|live| {
            let all = live.board.stock.rows(format::day_of(ctx.now.get()));
            let total = all.len();
            let rows: Vec<_> = all
                .into_iter()
                .filter_map(|row| {
                    let threshold = live.board.stock.item(row.item_id.as_str()).map_or(0, |i| i.low_stock_threshold);
                    let names = [live.item_name(row.item_id.as_str()), live.location_name(row.location_id.as_str())];
                    shown(names, &row, threshold, &search, show).then(|| view! {
                        <tr data-testid="stock-row" data-item-id=row.item_id.to_string() data-location-id=row.location_id.to_string()>
                            <th scope="row">{names[0].to_owned()}</th>
                            <td>{names[1].to_owned()}</td>
                            <td data-testid="on-hand">{row.on_hand}</td>
                            <td>{row.reserved}</td>
                            <td data-testid="available">{row.available}</td>
                            <td>{row.expiring_soon}</td>
                            <td>{row.expired}</td>
                            <td>{(threshold > 0).then_some(threshold)}</td>
                        </tr>
                    })
                })
                .collect();
            let count = i.tf("stock.count", &[("n", &rows.len().to_string()), ("total", &total.to_string())]);
            view! {
                <p class="hint" data-testid="stock-count" role="status">{count}</p>
                <div class="table-wrap">
                    <table class="stock">
                        <thead><tr>
                            <th scope="col">{i.t("stock.item")}</th>
                            <th scope="col">{i.t("stock.location")}</th>
                            <th scope="col">{i.t("stock.on_hand")}</th>
                            <th scope="col">{i.t("stock.reserved")}</th>
                            <th scope="col">{i.t("stock.available")}</th>
                            <th scope="col">{i.t("stock.expiring")}</th>
                            <th scope="col">{i.t("stock.expired")}</th>
                            <th scope="col">{i.t("stock.threshold")}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
        })
    };
    let may_move = [
        kinds::Distribution::ReceiveStock,
        kinds::Distribution::AdjustStock,
        kinds::Distribution::TransferStock,
        kinds::Distribution::SetLowStockThreshold,
    ]
    .into_iter()
    .any(|kind| ctx.may(kind));
    view! {
        <main class="stock-screen" data-testid="stock-screen">
            <h2>{move || i.t("stock.title")}</h2>
            // The forms beside the table on a wide screen, above it on a narrow one.
            <div class="stock-layout" class:with-forms=may_move>
                {may_move.then(|| view! {
                    <aside class="forms" aria-label=move || i.t("stock.forms")>
                        {ctx.may(kinds::Distribution::ReceiveStock).then(|| view! { <ReceiveForm /> })}
                        {ctx.may(kinds::Distribution::AdjustStock).then(|| view! { <AdjustForm /> })}
                        {ctx.may(kinds::Distribution::TransferStock).then(|| view! { <TransferForm /> })}
                        {ctx.may(kinds::Distribution::SetLowStockThreshold).then(|| view! { <ThresholdForm /> })}
                    </aside>
                })}
                <section class="stock-list">
                    <div class="toolbar" role="search" data-testid="stock-filter">
                        <Field id="stock-search" label="stock.search" value=search kind="search" />
                        <Choice id="stock-show" label="stock.show" options=shows value=show />
                    </div>
                    {rows}
                    {ctx.may_view(View::Stock).then(|| view! {
                        <p><a href="/api/exports/stock_movements.csv" download>{move || i.t("stock.movements_csv")}</a></p>
                    })}
                </section>
            </div>
        </main>
    }
}

/// A select's value, or a message asking for a choice in the field.
fn chosen<'a>(i: I18n, value: &'a str, field: &'static str) -> Result<&'a str, String> {
    if value.is_empty() {
        return Err(i.tf("form.choose_field", &[("field", &i.t(field))]));
    }
    Ok(value)
}

/// A whole number from a form, or a message naming the field.
fn number(i: I18n, text: &str, field: &'static str) -> Result<i64, String> {
    format::parse_whole(text)
        .ok_or_else(|| i.tf("form.not_a_number", &[("field", &i.t(field)), ("value", text)]))
}

/// What the receive form holds when it is sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Receipt {
    pub item: String,
    pub location: String,
    pub quantity: String,
    /// A date input's value, empty for none.
    pub expires: String,
    /// `donation` or `purchase`.
    pub source: String,
    pub partner: String,
}

/// What the receive form sends; food must have an expiry date.
pub fn receive(i: I18n, live: &Live, receipt: &Receipt) -> Result<Action, String> {
    chosen(i, &receipt.item, "form.item")?;
    chosen(i, &receipt.location, "form.location")?;
    let quantity = number(i, &receipt.quantity, "form.quantity")?;
    let expires_on_day = format::parse_date(&receipt.expires);
    let is_food = live
        .board
        .stock
        .item(&receipt.item)
        .is_some_and(|item| item.category == ItemCategory::Food);
    if is_food && expires_on_day.is_none() {
        return Err(i.t("receive.food_needs_expiry"));
    }
    let partner = receipt.partner.as_str();
    let source = if receipt.source == "purchase" {
        StockSource::Purchase {
            partner_id: (!partner.is_empty()).then(|| partner.into()),
            alert_id: None,
        }
    } else {
        StockSource::Donation { partner_id: partner.into() }
    };
    let command = Command::ReceiveStock {
        item_id: receipt.item.as_str().into(),
        location_id: receipt.location.as_str().into(),
        quantity,
        expires_on_day,
        source,
    };
    Action::new(i.t("action.receive"), &command)
}

#[component]
fn ReceiveForm() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let [item, location, quantity, expires, partner] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let source = RwSignal::new("donation".to_owned());
    let sources = Signal::derive(move || {
        vec![
            ("donation".to_owned(), i.t("receive.donation")),
            ("purchase".to_owned(), i.t("receive.purchase")),
        ]
    });
    let action = move || {
        let receipt = Receipt {
            item: item.get_untracked(),
            location: location.get_untracked(),
            quantity: quantity.get_untracked(),
            expires: expires.get_untracked(),
            source: source.get_untracked(),
            partner: partner.get_untracked(),
        };
        ctx.live.with_untracked(|live| receive(i, live, &receipt))
    };
    let on_done = Callback::new(move |()| quantity.set(String::new()));
    view! {
        <ActionForm test_id="receive-form" submit="receive.submit" action=action on_done=on_done>
            <h3>{move || i.t("receive.title")}</h3>
            <Choice id="receive-item" label="form.item" options=choices::items() value=item required=true />
            <Choice id="receive-location" label="form.location" options=choices::locations() value=location required=true />
            <Field id="receive-quantity" label="form.quantity" value=quantity kind="number" required=true />
            <Field id="receive-expires" label="receive.expires" value=expires kind="date" />
            <Choice id="receive-source" label="receive.source" options=sources value=source />
            <Choice id="receive-partner" label="receive.partner" options=choices::partners() value=partner />
        </ActionForm>
    }
}

/// A batch (an item at a location with an expiry day) as a select's value: `item|location|day`.
fn batch_key(item: &str, location: &str, day: Option<i64>) -> String {
    format!("{item}|{location}|{}", day.map(|d| d.to_string()).unwrap_or_default())
}

/// What the adjust form sends: `batch` as [`batch_key`] writes it.
pub fn adjust(
    i: I18n,
    batch: &str,
    change: &str,
    reason: &str,
    note: &str,
) -> Result<Action, String> {
    let mut parts = batch.splitn(3, '|');
    let (Some(item_id), Some(location_id), Some(day)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(i.t("adjust.choose_batch"));
    };
    let command = Command::AdjustStock {
        item_id: item_id.into(),
        location_id: location_id.into(),
        expires_on_day: day.parse().ok(),
        change: number(i, change, "adjust.change")?,
        reason: parse_slug(reason).unwrap_or(AdjustmentReason::CountCorrection),
        note: note.trim().to_owned(),
        corrects_position: None,
    };
    Action::new(i.t("action.adjust"), &command)
}

/// Every batch in stock, by item name.
fn batches(i: I18n, live: &Live, today: i64) -> Choices {
    let mut choices = Vec::new();
    for (item_id, item) in &live.board.stock.items {
        for b in &item.batches {
            let expiry = b.expires_on_day.map(format::date).unwrap_or_default();
            let expired = if is_expired(b.expires_on_day, today) {
                format!(" ({})", i.t("stock.expired"))
            } else {
                String::new()
            };
            let words = format!(
                "{} · {} · {} {expiry}{expired}",
                item.name,
                live.location_name(b.location_id.as_str()),
                b.on_hand,
            );
            choices.push((
                batch_key(item_id.as_str(), b.location_id.as_str(), b.expires_on_day),
                words,
            ));
        }
    }
    choices.sort_by(|a, b| a.1.cmp(&b.1));
    choices.insert(0, (String::new(), i.t("choose")));
    choices
}

#[component]
fn AdjustForm() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let [batch, change, note] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let reason = RwSignal::new("count_correction".to_owned());
    let batch_choices = Signal::derive(move || {
        ctx.live.with(|live| batches(i, live, format::day_of(ctx.now.get())))
    });
    let reasons = Signal::derive(move || options(i, &labels::ADJUSTMENTS, labels::adjustment));
    let action = move || {
        adjust(
            i,
            &batch.get_untracked(),
            &change.get_untracked(),
            &reason.get_untracked(),
            &note.get_untracked(),
        )
    };
    let on_done = Callback::new(move |()| {
        change.set(String::new());
        note.set(String::new());
    });
    view! {
        <ActionForm test_id="adjust-form" submit="adjust.submit" action=action on_done=on_done>
            <h3>{move || i.t("adjust.title")}</h3>
            <Choice id="adjust-batch" label="adjust.batch" options=batch_choices value=batch required=true />
            <Field id="adjust-change" label="adjust.change" value=change kind="number" required=true />
            <Choice id="adjust-reason" label="adjust.reason" options=reasons value=reason />
            <Field id="adjust-note" label="adjust.note" value=note required=true />
        </ActionForm>
    }
}

/// What the transfer form sends.
pub fn transfer(
    i: I18n,
    item: &str,
    from: &str,
    to: &str,
    quantity: &str,
) -> Result<Action, String> {
    let command = Command::TransferStock {
        item_id: chosen(i, item, "form.item")?.into(),
        from_location_id: chosen(i, from, "transfer.from")?.into(),
        to_location_id: chosen(i, to, "transfer.to")?.into(),
        quantity: number(i, quantity, "form.quantity")?,
    };
    Action::new(i.t("action.transfer"), &command)
}

#[component]
fn TransferForm() -> impl IntoView {
    let i = use_i18n();
    let [item, from, to, quantity] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let action = move || {
        transfer(
            i,
            &item.get_untracked(),
            &from.get_untracked(),
            &to.get_untracked(),
            &quantity.get_untracked(),
        )
    };
    let on_done = Callback::new(move |()| quantity.set(String::new()));
    view! {
        <ActionForm test_id="transfer-form" submit="transfer.submit" action=action on_done=on_done>
            <h3>{move || i.t("transfer.title")}</h3>
            <Choice id="transfer-item" label="form.item" options=choices::items() value=item required=true />
            <Choice id="transfer-from" label="transfer.from" options=choices::locations() value=from required=true />
            <Choice id="transfer-to" label="transfer.to" options=choices::locations() value=to required=true />
            <Field id="transfer-quantity" label="form.quantity" value=quantity kind="number" required=true />
        </ActionForm>
    }
}

/// What the threshold form sends.
pub fn threshold(i: I18n, item: &str, quantity: &str) -> Result<Action, String> {
    let command = Command::SetLowStockThreshold {
        item_id: chosen(i, item, "form.item")?.into(),
        quantity: number(i, quantity, "form.quantity")?,
    };
    Action::new(i.t("action.threshold"), &command)
}

#[component]
fn ThresholdForm() -> impl IntoView {
    let i = use_i18n();
    let [item, quantity] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let action = move || threshold(i, &item.get_untracked(), &quantity.get_untracked());
    view! {
        <ActionForm test_id="threshold-form" submit="threshold.submit" action=action>
            <h3>{move || i.t("threshold.title")}</h3>
            <Choice id="threshold-item" label="form.item" options=choices::items() value=item required=true />
            <Field id="threshold-quantity" label="form.quantity" value=quantity kind="number" required=true />
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(available: i64, expiring_soon: i64, expired: i64) -> StockRow {
        StockRow {
            item_id: "rice".into(),
            location_id: "hall".into(),
            on_hand: available + expired,
            reserved: 0,
            available,
            expiring_soon,
            expired,
        }
    }

    #[test]
    fn the_filter_finds_rows_by_either_name_in_any_case_and_by_what_needs_attention() {
        let names = ["Rice", "Church hall pantry"];
        assert!(shown(names, &row(5, 0, 0), 0, "", Show::All));
        assert!(shown(names, &row(5, 0, 0), 0, " rI ", Show::All));
        assert!(shown(names, &row(5, 0, 0), 0, "church", Show::All));
        assert!(!shown(names, &row(5, 0, 0), 0, "beans", Show::All));
        assert!(shown(names, &row(5, 0, 0), 10, "", Show::Low));
        assert!(!shown(names, &row(5, 0, 0), 0, "", Show::Low), "no threshold, never low");
        assert!(!shown(names, &row(10, 0, 0), 10, "", Show::Low));
        assert!(shown(names, &row(5, 2, 0), 0, "", Show::Expiring));
        assert!(!shown(names, &row(5, 0, 0), 0, "", Show::Expiring));
        assert!(shown(names, &row(5, 0, 3), 0, "rice", Show::Expired));
        assert!(!shown(names, &row(5, 0, 3), 0, "beans", Show::Expired));
    }
}
