//! The page: a sign-in screen (with the public log head), then the live board.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use shared::distribution::{DeliveryKind, DeliveryStatus, Stage, StockWarning};
use shared::members::Member;
use shared::wire::ServerMessage;

use crate::api;
use crate::live::{Live, duration_label};
use crate::socket::{Socket, Status};

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let member = RwSignal::new(None::<Member>);
    // A session cookie from an earlier visit skips the sign-in screen.
    spawn_local(async move {
        if let Some(me) = api::me().await {
            member.set(Some(me));
        }
    });

    view! {
        {move || match member.get() {
            Some(signed_in) => view! { <BoardScreen member=signed_in on_sign_out=member /> }.into_any(),
            None => view! { <SignInScreen on_signed_in=member /> }.into_any(),
        }}
    }
}

/// The sign-in form, and under it the log head as the public feed reports it.
#[component]
fn SignInScreen(on_signed_in: RwSignal<Option<Member>>) -> impl IntoView {
    let member_id = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let (id, secret) = (member_id.get_untracked(), password.get_untracked());
        if id.trim().is_empty() || secret.is_empty() {
            error.set(Some("Enter your member id and your password.".to_owned()));
            return;
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::sign_in(id.trim(), &secret).await;
            pending.set(false);
            match result {
                Ok(member) => on_signed_in.set(Some(member)),
                Err(words) => error.set(Some(words)),
            }
        });
    };

    view! {
        <main class="sign-in">
            <h1>"Potluck"</h1>
            <form data-testid="sign-in-form" on:submit=submit>
                <label for="member-id">"Member id"</label>
                <input id="member-id" name="member_id" type="text" autocomplete="username"
                    autofocus required
                    prop:value=move || member_id.get()
                    on:input=move |ev| member_id.set(event_target_value(&ev)) />
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password"
                    autocomplete="current-password" required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev)) />
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <p class="error" role="alert" data-testid="sign-in-error">
                    {move || error.get().unwrap_or_default()}
                </p>
            </form>
            <HeadLine />
        </main>
    }
}

/// The public log head over `/ws/head`, and the state of that connection.
#[component]
fn HeadLine() -> impl IntoView {
    let (status, set_status) = signal(Status::Connecting);
    let (head, set_head) = signal(None::<u64>);
    let socket = Socket::connect(
        crate::socket::url_for_page("/ws/head"),
        move |new_status| {
            set_status.try_set(new_status);
        },
        move |message| {
            set_head.try_update(|head| *head = head_after(*head, &message));
        },
    );
    // The socket lives as long as this component: the owner drops it (closing the connection)
    // when the component is unmounted.
    StoredValue::new_local(socket);

    view! {
        <footer class="head-line">
            "Log head: "
            <span data-testid="head-position">
                {move || head.get().map_or_else(|| "…".to_owned(), |position| position.to_string())}
            </span>
            " · "
            <ConnectionStatus status=status />
        </footer>
    }
}

#[component]
fn ConnectionStatus(status: ReadSignal<Status>) -> impl IntoView {
    view! {
        <span class="connection" data-testid="connection-status" data-status=move || status.get().label()>
            {move || status.get().label()}
        </span>
    }
}

/// The live board over `/ws`, which the session cookie authenticates.
#[component]
fn BoardScreen(member: Member, on_sign_out: RwSignal<Option<Member>>) -> impl IntoView {
    let live = RwSignal::new(Live::default());
    let (status, set_status) = signal(Status::Connecting);
    let now = RwSignal::new(now_ms());
    if let Ok(handle) = set_interval_with_handle(move || now.set(now_ms()), Duration::from_secs(15))
    {
        on_cleanup(move || handle.clear());
    }

    let socket = Socket::connect_with_greeting(
        crate::socket::url_for_page("/ws"),
        move || live.try_with_untracked(Live::subscription),
        move |new_status| {
            set_status.try_set(new_status);
        },
        move |message| {
            if let ServerMessage::Error { code, message } = &message {
                leptos::logging::warn!("server: {code}: {message}");
            }
            live.try_maybe_update(|live| (live.receive(message), ()));
        },
    );
    StoredValue::new_local(socket);

    let sign_out = move |_| {
        spawn_local(async move {
            api::sign_out().await;
            on_sign_out.set(None);
        });
    };

    view! {
        <div class="board-screen" data-testid="board">
            <header class="board-header">
                <h1>"Potluck board"</h1>
                <span class="position">
                    "Log position "
                    <span data-testid="head-position">
                        {move || live.with(|l| l.position.map_or_else(|| "…".to_owned(), |p| p.to_string()))}
                    </span>
                </span>
                <ConnectionStatus status=status />
                <span class="who" data-testid="signed-in-as">{member.name.clone()}</span>
                <button type="button" on:click=sign_out>"Sign out"</button>
            </header>
            <section class="columns" aria-label="Open requests by stage">
                {move || live.with(|l| columns_view(l, now.get()))}
            </section>
            <section class="panels">
                <section class="panel" data-testid="deliveries-today" aria-labelledby="deliveries-title">
                    <h2 id="deliveries-title">"Today's deliveries"</h2>
                    <div class="lanes">{move || live.with(|l| deliveries_view(l, now.get()))}</div>
                </section>
                <section class="panel" data-testid="procurement-alerts" aria-labelledby="alerts-title">
                    <h2 id="alerts-title">"Procurement alerts"</h2>
                    {move || live.with(|l| alerts_view(l, now.get()))}
                </section>
                <section class="panel" data-testid="stock-warnings" aria-labelledby="stock-title">
                    <h2 id="stock-title">"Low and expiring stock"</h2>
                    {move || live.with(|l| stock_view(l, now.get()))}
                </section>
            </section>
        </div>
    }
}

fn columns_view(live: &Live, now: i64) -> impl IntoView + use<> {
    live.board
        .columns()
        .into_iter()
        .map(|column| {
            let cards = column
                .cards
                .iter()
                .take(CARDS_SHOWN)
                .map(|card| {
                    let item_names: Vec<String> = card
                        .progress
                        .lines
                        .iter()
                        .map(|line| item_name(live, line.item_id.as_str()).to_owned())
                        .collect();
                    view! {
                        <li class="card" data-testid="request-card"
                            data-request-id=card.request_id.to_string()
                            data-urgency=urgency_label(card.urgency)>
                            <div class="card-top">
                                <strong>{card.request_id.to_string()}</strong>
                                <span class="age" title="Time in this stage">
                                    {duration_label(card.time_in_stage_ms(now))}
                                </span>
                            </div>
                            <div class="card-meta">
                                {urgency_label(card.urgency)} " · " {card.zone.to_string()}
                                " · " {people(card.household_size)}
                            </div>
                            <div class="card-items">{item_names.join(", ")}</div>
                        </li>
                    }
                })
                .collect_view();
            let stage = stage_label(column.stage);
            let count = column.cards.len();
            view! {
                <section class="column" data-testid=format!("column-{}", stage_key(column.stage))>
                    <h2>{stage} <span class="count">{count}</span></h2>
                    <ol>{cards} {more(column.cards.len(), CARDS_SHOWN)}</ol>
                </section>
            }
        })
        .collect_view()
}

fn deliveries_view(live: &Live, now: i64) -> impl IntoView + use<> {
    let lanes = live.board.deliveries_today(now);
    if lanes.is_empty() {
        return view! { <p class="empty">"No deliveries today."</p> }.into_any();
    }
    lanes
        .into_iter()
        .map(|lane| {
            let driver = match lane.driver_id {
                Some(id) => live.member_name(id.as_str()).to_owned(),
                None => "Unclaimed and pickups".to_owned(),
            };
            let rows = lane
                .deliveries
                .iter()
                .map(|d| {
                    let kind = if d.kind == DeliveryKind::Pickup { "pickup" } else { "delivery" };
                    view! {
                        <li data-status=delivery_status_label(d.status)>
                            <span class="time">
                                {format!("{}–{}", clock(d.window_start_ms), clock(d.window_end_ms))}
                            </span>
                            " " {d.request_id.to_string()} " · " {d.zone.to_string()} " · " {kind}
                            " · " <em>{delivery_status_label(d.status)}</em>
                            {d.confirmed.then_some(" ✓")}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="lane" data-testid="driver-lane">
                    <h3>{driver}</h3>
                    <ul>{rows}</ul>
                </div>
            }
        })
        .collect_view()
        .into_any()
}

fn alerts_view(live: &Live, now: i64) -> impl IntoView + use<> {
    let alerts = live.board.open_alerts();
    if alerts.is_empty() {
        return view! { <p class="empty">"No open alerts."</p> }.into_any();
    }
    let total = alerts.len();
    let rows = alerts
        .into_iter()
        .take(ROWS_SHOWN)
        .map(|alert| {
            let item = item_name(live, alert.item_id.as_str()).to_owned();
            let request = alert.request_id.as_ref().map(|r| format!(" for {r}"));
            view! {
                <li data-testid="alert">
                    <strong>{format!("{} × {item}", alert.quantity)}</strong>
                    {request}
                    <span class="age">{duration_label(now - alert.raised_at_ms)}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ul>{rows} {more(total, ROWS_SHOWN)}</ul> }.into_any()
}

fn stock_view(live: &Live, now: i64) -> impl IntoView + use<> {
    let warnings = live.board.stock_warnings(now);
    if warnings.is_empty() {
        return view! { <p class="empty">"Stock is fine."</p> }.into_any();
    }
    let total = warnings.len();
    let rows = warnings
        .into_iter()
        .take(ROWS_SHOWN)
        .map(|warning| {
            let (kind, text) = match &warning {
                StockWarning::BelowThreshold { item_id, available, threshold } => (
                    "low",
                    format!(
                        "{}: {available} left (threshold {threshold})",
                        item_name(live, item_id.as_str())
                    ),
                ),
                StockWarning::ExpiringSoon { item_id, location_id, expires_on_day, on_hand } => (
                    "expiring",
                    format!(
                        "{}: {on_hand} at {location_id} expire {}",
                        item_name(live, item_id.as_str()),
                        day_label(*expires_on_day)
                    ),
                ),
                StockWarning::Expired { item_id, location_id, expires_on_day, on_hand } => (
                    "expired",
                    format!(
                        "{}: {on_hand} at {location_id} expired {}",
                        item_name(live, item_id.as_str()),
                        day_label(*expires_on_day)
                    ),
                ),
            };
            view! { <li data-testid="stock-warning" data-kind=kind>{text}</li> }
        })
        .collect_view();
    view! { <ul>{rows} {more(total, ROWS_SHOWN)}</ul> }.into_any()
}

/// Cards a column shows on a 1080-pixel-high screen; the rest are counted under them.
const CARDS_SHOWN: usize = 8;
/// Rows an alert or stock panel shows.
const ROWS_SHOWN: usize = 10;

/// "+3 more" under a list cut at `shown`, nothing when all of it fits.
fn more(total: usize, shown: usize) -> Option<impl IntoView + use<>> {
    (total > shown).then(|| {
        view! { <li class="more" data-testid="more">{format!("+{} more", total - shown)}</li> }
    })
}

fn people(count: i64) -> String {
    if count == 1 { "1 person".to_owned() } else { format!("{count} people") }
}

fn item_name<'a>(live: &'a Live, item_id: &'a str) -> &'a str {
    live.board.stock.items.get(item_id).map_or(item_id, |item| item.name.as_str())
}

fn now_ms() -> i64 {
    // Milliseconds since 1970 fit an i64 exactly for the next quarter of a million years.
    js_sys::Date::now() as i64
}

/// "14:30", UTC: the days the server counts in.
fn clock(ms: i64) -> String {
    let minutes = ms.rem_euclid(86_400_000) / 60_000;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A day number (days since 1970, UTC) as a date.
fn day_label(day: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64((day * 86_400_000) as f64));
    let iso = String::from(date.to_iso_string());
    format!("on {}", iso.get(..10).unwrap_or_default())
}

fn stage_label(stage: Stage) -> &'static str {
    match stage {
        Stage::Logged => "Logged",
        Stage::AwaitingStock => "Awaiting stock",
        Stage::Checked => "Checked",
        Stage::Reserved => "Reserved",
        Stage::Scheduled => "Scheduled",
        Stage::Confirmed => "Confirmed",
        Stage::OutForDelivery => "Out for delivery",
        Stage::Failed => "Failed",
        Stage::Delivered => "Delivered",
        Stage::Cancelled => "Cancelled",
    }
}

fn stage_key(stage: Stage) -> String {
    stage_label(stage).to_lowercase().replace(' ', "-")
}

fn urgency_label(urgency: shared::distribution::Urgency) -> &'static str {
    use shared::distribution::Urgency;
    match urgency {
        Urgency::Routine => "routine",
        Urgency::Soon => "soon",
        Urgency::Urgent => "urgent",
    }
}

fn delivery_status_label(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Scheduled => "scheduled",
        DeliveryStatus::Assigned => "assigned",
        DeliveryStatus::OutForDelivery => "out",
        DeliveryStatus::Completed => "done",
        DeliveryStatus::Failed => "failed",
        DeliveryStatus::Cancelled => "cancelled",
    }
}

/// The log head as known after `message`. Frames on one socket arrive in order, so a message
/// that states the head is taken as it is (after a reconnection it may even be another log);
/// a batch of events moves it to its last position.
pub fn head_after(head: Option<u64>, message: &ServerMessage) -> Option<u64> {
    match message {
        ServerMessage::Head { position, .. } => Some(*position),
        ServerMessage::Welcome { head, .. } => Some(*head),
        ServerMessage::Snapshot { snapshot } => Some(snapshot.position),
        ServerMessage::Events { events } => {
            let last = events.iter().map(|event| event.position).max();
            head.max(last)
        }
        ServerMessage::Resync { .. } | ServerMessage::Error { .. } => head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_message(position: u64) -> ServerMessage {
        ServerMessage::Head { position, hash: "00".repeat(32) }
    }

    #[test]
    fn the_first_head_message_sets_the_position() {
        assert_eq!(head_after(None, &head_message(0)), Some(0));
        assert_eq!(head_after(None, &head_message(42)), Some(42));
    }

    #[test]
    fn a_head_message_replaces_the_position() {
        assert_eq!(head_after(Some(7), &head_message(8)), Some(8));
        assert_eq!(head_after(Some(7), &head_message(5)), Some(5));
    }

    #[test]
    fn an_empty_batch_of_events_leaves_the_position_alone() {
        let events = ServerMessage::Events { events: Vec::new() };
        assert_eq!(head_after(Some(3), &events), Some(3));
        assert_eq!(head_after(None, &events), None);
    }

    #[test]
    fn a_message_without_a_position_leaves_it_alone() {
        let resync = ServerMessage::Resync { reason: "behind".to_owned() };
        assert_eq!(head_after(Some(3), &resync), Some(3));
        assert_eq!(head_after(None, &resync), None);
    }

    #[test]
    fn clock_times_are_utc_hours_and_minutes() {
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(86_400_000 + 14 * 3_600_000 + 30 * 60_000), "14:30");
    }
}
