//! The page: a sign-in screen (with the public log head), then the signed-in shell: a header
//! with the screens a member's roles use, the connection indicator and the language switch,
//! and the screen the address names (`#/board`, `#/intake`, `#/request/<id>`, `#/driver`,
//! `#/stock`, `#/money`, `#/people`, `#/report`, `#/replay`, `#/audit`, `#/import`).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use shared::access::{self, Role};
use shared::members::Member;
use shared::wire::Snapshot;

use crate::api::{self, Failure};
use crate::ctx::kinds;
use crate::ctx::{Ctx, use_ctx};
use crate::i18n::{I18n, Lang, use_i18n};
use crate::incoming::Incoming;
use crate::lazy::{self, Offered};
use crate::live::Live;
use crate::outbox::Outbox;
use crate::route::Route;
use crate::screens::board::BoardScreen;
use crate::screens::driver::DriverScreen;
use crate::screens::import;
use crate::socket::{Socket, Status};
use crate::ui::words;

/// What the page learned before it first drew: who a session cookie from an earlier visit
/// belongs to, and the board then.
#[derive(Clone, Debug, Default)]
pub struct Start {
    pub member: Option<Member>,
    pub snapshot: Option<Snapshot>,
}

/// The root component.
#[component]
pub fn App(start: Start) -> impl IntoView {
    let lang = RwSignal::new(saved_language());
    provide_context(I18n { lang });
    Effect::new(move || {
        let tag = lang.get().tag();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", tag);
        }
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = storage.set_item(LANGUAGE_KEY, tag);
        }
    });

    let member = RwSignal::new(start.member);
    let note = RwSignal::new(None::<&'static str>);
    // The board fetched with the page, for the first shell only: after a sign-in the shell
    // fetches its own.
    let first_snapshot = StoredValue::new(start.snapshot);

    view! {
        {move || match member.get() {
            Some(signed_in) => {
                let snapshot = first_snapshot.try_update_value(Option::take).flatten();
                view! { <Shell member=signed_in signed_in=member note=note snapshot=snapshot /> }.into_any()
            }
            None => view! { <SignInScreen signed_in=member note=note /> }.into_any(),
        }}
    }
}

const LANGUAGE_KEY: &str = "potluck.language";

/// The language chosen on this device before, else the browser's, else English.
pub fn saved_language() -> Lang {
    let saved = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(LANGUAGE_KEY).ok().flatten());
    let browser = window().navigator().language();
    [saved, browser]
        .into_iter()
        .flatten()
        .find_map(|tag| Lang::from_tag(tag.get(..2).unwrap_or_default()))
        .unwrap_or(Lang::En)
}

/// The sign-in form, and under it the log head as the public feed reports it.
#[component]
fn SignInScreen(
    signed_in: RwSignal<Option<Member>>,
    note: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let i = use_i18n();
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
            error.set(Some(i.t("sign_in.both_needed")));
            return;
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::sign_in(id.trim(), &secret).await;
            pending.set(false);
            match result {
                Ok(member) => {
                    note.set(None);
                    signed_in.set(Some(member));
                }
                Err(failure) => error.set(Some(match failure {
                    Failure::NotSignedIn => i.t("sign_in.wrong"),
                    Failure::Throttled => i.t("sign_in.throttled"),
                    Failure::Unreachable => i.t("error.unreachable"),
                    Failure::Server(detail) => words::refusal(i, &detail),
                })),
            }
        });
    };

    view! {
        <main class="sign-in">
            <h1>"Potluck"</h1>
            <LanguageSwitch />
            <p class="note" role="status" data-testid="sign-in-note">
                {move || note.get().map(|key| i.t(key))}
            </p>
            <form data-testid="sign-in-form" on:submit=submit>
                <label for="member-id">{move || i.t("sign_in.member_id")}</label>
                <input id="member-id" name="member_id" type="text" autocomplete="username"
                    autofocus required
                    prop:value=move || member_id.get()
                    on:input=move |ev| member_id.set(event_target_value(&ev)) />
                <label for="password">{move || i.t("sign_in.password")}</label>
                <input id="password" name="password" type="password"
                    autocomplete="current-password" required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev)) />
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { i.t("sign_in.signing_in") } else { i.t("sign_in.submit") }}
                </button>
                <p class="error" role="alert" data-testid="sign-in-error">
                    {move || error.get().unwrap_or_default()}
                </p>
            </form>
            <HeadLine />
            <ZoneLine />
        </main>
    }
}

/// Whose clock the times are on: the group's time zone, from the server.
#[component]
fn ZoneLine() -> impl IntoView {
    let i = use_i18n();
    // A plain signal and a task: a resource would bring its own machinery into the first
    // module for one line of text.
    let zone = RwSignal::new(None::<String>);
    spawn_local(async move {
        if let Ok((200, text)) = api::call("GET", "/api/time-zone", None).await {
            zone.set(Some(text));
        }
    });
    move || {
        zone.get().map(|zone| {
            view! { <p class="note" data-testid="sign-in-zone">{i.tf("sign_in.zone", &[("zone", &zone)])}</p> }
        })
    }
}

/// The public log head over `/ws/head`, and the state of that connection.
#[component]
fn HeadLine() -> impl IntoView {
    let i = use_i18n();
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
            {move || i.t("head.log_head")} " "
            <span data-testid="head-position">
                {move || head.get().map_or_else(|| "…".to_owned(), |position| position.to_string())}
            </span>
            " · "
            <span class="connection" data-testid="connection-status" data-status=move || status.get().label()>
                {move || i.t(status_key(status.get()))}
            </span>
        </footer>
    }
}

fn status_key(status: Status) -> &'static str {
    match status {
        Status::Connecting => "conn.connecting",
        Status::Live => "conn.live",
        Status::Reconnecting => "conn.reconnecting",
    }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let i = use_i18n();
    view! {
        <label class="language">
            <span class="visually-hidden">{move || i.t("language")}</span>
            <select data-testid="language"
                on:change=move |ev| {
                    if let Some(lang) = Lang::from_tag(&event_target_value(&ev)) {
                        // Its words arrive first; without them English stands in.
                        spawn_local(async move {
                            lang.fetch().await;
                            i.lang.set(lang);
                        });
                    }
                }>
                {Lang::ALL.into_iter().map(|lang| view! {
                    <option value=lang.tag() selected=move || i.lang.get() == lang>{lang.name()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// Everything a signed-in member sees: the header and the routed screen.
#[component]
fn Shell(
    member: Member,
    signed_in: RwSignal<Option<Member>>,
    note: RwSignal<Option<&'static str>>,
    /// The board fetched with the page, if it was.
    snapshot: Option<Snapshot>,
) -> impl IntoView {
    let i = use_i18n();
    let ctx = Ctx {
        live: RwSignal::new(Live::default()),
        me: StoredValue::new(member.clone()),
        outbox: Outbox::new(),
        now: RwSignal::new(now_ms()),
        route: RwSignal::new(Route::parse(&window().location().hash().unwrap_or_default())),
        viewport: RwSignal::new(viewport()),
    };
    provide_context(ctx);
    let resized = window_event_listener(leptos::ev::resize, move |_| ctx.viewport.set(viewport()));
    on_cleanup(move || resized.remove());
    // A driver on a phone opens the page for their deliveries: that is where they land
    // when the address names no screen.
    let hash = window().location().hash().unwrap_or_default();
    if hash.trim_start_matches('#').trim_start_matches('/').is_empty()
        && ctx.has_role(Role::Driver)
        && ctx.is_phone()
    {
        ctx.go(Route::Driver);
    }
    let outbox = ctx.outbox;

    if let Ok(handle) =
        set_interval_with_handle(move || ctx.now.set(now_ms()), Duration::from_secs(15))
    {
        on_cleanup(move || handle.clear());
    }
    let hash = window_event_listener(leptos::ev::hashchange, move |_| {
        ctx.route.set(Route::parse(&window().location().hash().unwrap_or_default()));
    });
    let online = RwSignal::new(window().navigator().on_line());
    let went_online = window_event_listener(leptos::ev::online, move |_| {
        online.set(true);
        outbox.flush();
    });
    let went_offline = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    // The queue is memory-only (it may hold a household's details in clear): leaving or
    // reloading the page with actions still waiting would lose them, so the browser asks.
    let leaving = window_event_listener(leptos::ev::beforeunload, move |event| {
        if !outbox.pending.with_untracked(Vec::is_empty) {
            event.prevent_default();
            event.set_return_value("");
        }
    });
    on_cleanup(move || {
        hash.remove();
        went_online.remove();
        went_offline.remove();
        leaving.remove();
    });

    // The session may end while the page is open (signed out elsewhere, expired): the
    // outbox hears it from a command, the socket from a refused reconnection.
    let session_over = move || {
        note.set(Some("session.ended"));
        signed_in.set(None);
    };
    Effect::new(move || {
        if outbox.signed_out.get() {
            session_over();
        }
    });

    let (status, set_status) = signal(Status::Connecting);
    // The first snapshot comes over HTTP, gzipped (a tenth of its size on the socket); the
    // socket then resumes after its position. Without it (offline, an error) the socket
    // asks for a snapshot itself.
    let socket = StoredValue::new_local(None::<Socket>);
    spawn_local(async move {
        let snapshot = match snapshot {
            Some(snapshot) => Ok(snapshot),
            None => api::get_json::<Snapshot>("/api/snapshot").await,
        };
        if let Ok(snapshot) = snapshot {
            let snapshot = Incoming::Snapshot { snapshot: Box::new(snapshot) };
            ctx.live.try_maybe_update(|live| (live.receive(snapshot), ()));
        }
        let opened = open_feed(ctx, set_status);
        // Gone already (signed out meanwhile): the socket closes as it is dropped.
        let _ = socket.try_set_value(Some(opened));
    });

    let sign_out = move |_| {
        spawn_local(async move {
            api::sign_out().await;
            signed_in.set(None);
        });
    };
    let nav = move |route: Route, key: &'static str| {
        let href = route.href();
        let current = move || (ctx.route.get() == route).then_some("page");
        view! { <a href=href aria-current=current>{move || i.t(key)}</a> }
    };
    let may_intake = ctx.may(kinds::Distribution::LogRequest);
    let drives = ctx.has_role(Role::Driver);
    let audits = ctx.may_view(access::View::Log);
    let imports = !import::allowed(|command| ctx.may(command)).is_empty();
    // Once the first board is drawn, the other screens' modules are fetched in the
    // background (and again when the connection comes back, for any that failed).
    let settings = ctx.may(kinds::Distribution::AddZone)
        || ctx.may(kinds::Distribution::SetLateAfter)
        || ctx.may(kinds::Distribution::SetTimeZone);
    let standing = ctx.may(kinds::Standing::StartStandingOrder)
        || ctx.may(kinds::Standing::LogStandingOccurrence);
    let offered = Offered { audit: audits, import: imports, settings, standing };
    let preloaded = StoredValue::new(false);
    Effect::new(move || {
        if ctx.live.with(|l| l.position.is_some()) && !preloaded.get_value() {
            preloaded.set_value(true);
            set_timeout(move || lazy::preload(offered), Duration::from_millis(300));
        }
    });
    let back_online = window_event_listener(leptos::ev::online, move |_| lazy::preload(offered));
    on_cleanup(move || back_online.remove());

    view! {
        <div class="shell" data-testid="shell">
            <header class="board-header">
                <h1>"Potluck"</h1>
                <nav aria-label=move || i.t("nav.label")>
                    {nav(Route::Board, "nav.board")}
                    {may_intake.then(|| nav(Route::Intake, "nav.intake"))}
                    {drives.then(|| nav(Route::Driver, "nav.driver"))}
                    {nav(Route::Week, "nav.week")}
                    {nav(Route::Stock, "nav.stock")}
                    {nav(Route::People, "nav.people")}
                    {nav(Route::Money, "nav.money")}
                    {nav(Route::Report, "nav.report")}
                    {nav(Route::Replay, "nav.replay")}
                    {audits.then(|| nav(Route::Audit(String::new()), "nav.audit"))}
                    {imports.then(|| nav(Route::Import, "nav.import"))}
                    {standing.then(|| nav(Route::Standing, "nav.standing"))}
                    {settings.then(|| nav(Route::Settings, "nav.settings"))}
                </nav>
                <GoToRequest />
                <div class="session">
                    <span class="position" title=move || i.t("head.position")>
                        <span class="position-label">{move || i.t("head.position")} " "</span>
                        <span data-testid="head-position">
                            {move || ctx.live.with(|l| l.position.map_or_else(|| "…".to_owned(), |p| p.to_string()))}
                        </span>
                    </span>
                    <ConnectionIndicator status=status online=online />
                    <LanguageSwitch />
                    <span class="who" data-testid="signed-in-as">{member.name.clone()}</span>
                    <button type="button" on:click=sign_out title=member.name.clone()>{move || i.t("sign_out")}</button>
                </div>
            </header>
            <Notices />
            {move || match ctx.route.get() {
                Route::Board => view! { <BoardScreen /> }.into_any(),
                Route::Intake => lazy::show(lazy::intake()),
                Route::Request(key) => lazy::show(lazy::request(key)),
                Route::Driver => view! { <DriverScreen /> }.into_any(),
                Route::Stock => lazy::show(lazy::stock()),
                Route::Money => lazy::show(lazy::money()),
                Route::People => lazy::show(lazy::people()),
                Route::Report => lazy::show(lazy::report()),
                Route::Replay => lazy::show(lazy::replay()),
                Route::Audit(value) => lazy::show(lazy::audit(value)),
                Route::Import => lazy::show(lazy::import()),
                Route::Settings => lazy::show(lazy::settings()),
                Route::Standing => lazy::show(lazy::standing()),
                Route::Week => lazy::show(lazy::week()),
            }}
        </div>
    }
}

/// The live feed: the socket, reconnecting, folding every message into `ctx.live`.
fn open_feed(ctx: Ctx, set_status: WriteSignal<Status>) -> Socket {
    let outbox = ctx.outbox;
    Socket::connect_with_greeting(
        crate::socket::url_for_page("/ws"),
        move || ctx.live.try_with_untracked(Live::subscription),
        move |new_status| {
            set_status.try_set(new_status);
            match new_status {
                Status::Live => outbox.flush(),
                Status::Reconnecting => spawn_local(async move {
                    if api::me().await == Err(Failure::NotSignedIn) {
                        outbox.signed_out.try_set(true);
                    }
                }),
                Status::Connecting => {}
            }
        },
        move |message| {
            if let Incoming::Error { code, message } = &message {
                leptos::logging::warn!("server: {code}: {message}");
            }
            ctx.live.try_maybe_update(|live| (live.receive(message), ()));
        },
    )
}

/// Live, reconnecting, or offline, and how many actions are waiting to be sent.
#[component]
fn ConnectionIndicator(status: ReadSignal<Status>, online: RwSignal<bool>) -> impl IntoView {
    let i = use_i18n();
    let outbox = use_ctx().outbox;
    let key = move || {
        let waiting = outbox.pending.with(Vec::len);
        if !online.get() || (waiting > 0 && !outbox.reachable.get()) {
            "conn.offline"
        } else {
            status_key(status.get())
        }
    };
    view! {
        <span class="connection-box" role="status">
            <span class="connection" data-testid="connection-status" data-status=move || key().trim_start_matches("conn.")>
                {move || i.t(key())}
            </span>
            {move || {
                let waiting = outbox.pending.with(Vec::len);
                (waiting > 0).then(|| view! {
                    <span class="waiting" data-testid="waiting">
                        {i.tf("conn.waiting", &[("n", &waiting.to_string())])}
                    </span>
                })
            }}
        </span>
    }
}

/// A request by its number, as the group says it on the phone: "#142".
#[component]
fn GoToRequest() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let number = RwSignal::new(String::new());
    let go = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = number.get_untracked().trim().trim_start_matches('#').to_owned();
        if !wanted.is_empty() {
            number.set(String::new());
            ctx.go(Route::Request(wanted));
        }
    };
    view! {
        <form class="goto" role="search" on:submit=go>
            <label for="goto-number" class="sr-only">{move || i.t("goto.label")}</label>
            <input id="goto-number" type="search" inputmode="numeric" placeholder="#"
                data-testid="goto-number" prop:value=move || number.get()
                on:input=move |ev| number.set(event_target_value(&ev)) />
            <button type="submit" class="secondary">{move || i.t("goto.submit")}</button>
        </form>
    }
}

/// Errors from the server, in plain words, each until dismissed; and the last action done.
#[component]
fn Notices() -> impl IntoView {
    let i = use_i18n();
    let outbox = use_ctx().outbox;
    view! {
        <section class="notices" aria-live="polite">
            {move || outbox.notices.get().into_iter().map(|notice| {
                let id = notice.id;
                view! {
                    <p class="error" role="alert" data-testid="error">
                        {format!("{}: {}", notice.label, words::refusal(i, &notice.refusal))}
                        " "
                        <button type="button" on:click=move |_| outbox.dismiss(id)>{move || i.t("dismiss")}</button>
                    </p>
                }
            }).collect_view()}
            <p class="done" data-testid="last-done">
                {move || outbox.last_done.get().map(|label| i.tf("done", &[("what", &label)]))}
            </p>
        </section>
    }
}

/// The window's inner width and height in CSS pixels.
fn viewport() -> (f64, f64) {
    let size = |value: Result<wasm_bindgen::JsValue, _>| {
        value.ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
    };
    (size(window().inner_width()), size(window().inner_height()))
}

pub fn now_ms() -> i64 {
    // Milliseconds since 1970 fit an i64 exactly for the next quarter of a million years.
    js_sys::Date::now() as i64
}

/// The log head as known after `message`. Frames on one socket arrive in order, so a message
/// that states the head is taken as it is (after a reconnection it may even be another log);
/// a batch of events moves it to its last position.
pub fn head_after(head: Option<u64>, message: &Incoming) -> Option<u64> {
    match message {
        Incoming::Head { position, .. } => Some(*position),
        Incoming::Welcome { head, .. } => Some(*head),
        Incoming::Snapshot { snapshot } => Some(snapshot.position),
        Incoming::Events { events } => {
            let last = events.iter().map(|event| event.position).max();
            head.max(last)
        }
        Incoming::Resync { .. } | Incoming::Error { .. } => head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_message(position: u64) -> Incoming {
        Incoming::Head { position, hash: "00".repeat(32) }
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
        let events = Incoming::Events { events: Vec::new() };
        assert_eq!(head_after(Some(3), &events), Some(3));
        assert_eq!(head_after(None, &events), None);
    }

    #[test]
    fn a_message_without_a_position_leaves_it_alone() {
        let resync = Incoming::Resync { reason: "behind".to_owned() };
        assert_eq!(head_after(Some(3), &resync), Some(3));
        assert_eq!(head_after(None, &resync), None);
    }
}
