//! The audit view (`#/audit`, for the roles that read the log): the event log as stored,
//! asked by who recorded it, stream, type, a value it mentions (an item's trail from
//! donation to delivery, an account's postings) and time. Each row names the command behind
//! the event, and a click on it, on the stream or on the actor asks again for just that.
//!
//! The rows are the stored envelopes, hashes included, so what is shown is what
//! `potluck verify` and `potluck verify-bundle` check.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::envelope::Envelope;

use crate::api::{self, Failure};
use crate::ctx::use_ctx;
use crate::i18n::use_i18n;
use crate::ui::{format, words};

/// Rows per page.
const PAGE: usize = 100;

/// The questions the form asks, as `/api/events` takes them.
#[derive(Clone, Debug, Default, PartialEq)]
struct Filters {
    actor: String,
    stream: String,
    event_type: String,
    command: String,
    mentions: String,
    from: String,
    to: String,
}

impl Filters {
    fn query(&self, after: u64) -> String {
        let mut query = format!("/api/events?after={after}&limit={PAGE}");
        let mut put = |name: &str, value: &str| {
            if !value.trim().is_empty() {
                let value = js_sys::encode_uri_component(value.trim());
                query.push_str(&format!("&{name}={value}"));
            }
        };
        put("actor", &self.actor);
        put("stream", &self.stream);
        put("type", &self.event_type);
        put("command", &self.command);
        put("mentions", &self.mentions);
        if let Some(day) = format::parse_date(&self.from) {
            query.push_str(&format!("&from_ms={}", format::start_of_day_ms(day)));
        }
        if let Some(day) = format::parse_date(&self.to) {
            query.push_str(&format!("&to_ms={}", format::start_of_day_ms(day + 1)));
        }
        query
    }
}

#[component]
pub fn AuditScreen(mentions: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let filters = RwSignal::new(Filters { mentions, ..Filters::default() });
    let rows = RwSignal::new(Vec::<Envelope>::new());
    let more = RwSignal::new(false);
    let failure = RwSignal::new(None::<Failure>);
    let ask = move |after: u64| {
        let path = filters.get_untracked().query(after);
        spawn_local(async move {
            let text = match api::expect_ok(api::call("GET", &path, None).await) {
                Ok(text) => text,
                Err(error) => {
                    failure.try_set(Some(error));
                    return;
                }
            };
            // One stored envelope a line, as `potluck verify` reads them.
            let page: Vec<Envelope> =
                text.lines().filter_map(|line| serde_json::from_str(line).ok()).collect();
            more.set(page.len() == PAGE);
            failure.set(None);
            rows.update(|shown| {
                if after == 0 {
                    shown.clear();
                }
                shown.extend(page);
            });
        });
    };
    // Asks again whenever a filter changes.
    Effect::new(move || {
        filters.track();
        ask(0);
    });
    let field = move |key: &'static str,
                      id: &'static str,
                      kind: &'static str,
                      get: fn(&Filters) -> &String,
                      set: fn(&mut Filters, String)| {
        view! {
            <div class="field">
                <label for=id>{move || i.t(key)}</label>
                <input id=id type=kind prop:value=move || filters.with(|f| get(f).clone())
                    on:change=move |ev| filters.update(|f| set(f, event_target_value(&ev))) />
            </div>
        }
    };
    let member_options = move || {
        ctx.live.with(|l| {
            l.members
                .iter()
                .map(|m| view! { <option value=m.member_id.to_string()>{m.name.clone()}</option> })
                .collect_view()
        })
    };
    let row = move |envelope: &Envelope| {
        let at = envelope.recorded_at_ms;
        let (actor, stream, command) =
            (envelope.actor.clone(), envelope.stream.clone(), envelope.command_id.clone());
        let mut payload = envelope.payload.clone();
        if payload.len() > 200 {
            let cut = (0..=200).rev().find(|n| payload.is_char_boundary(*n)).unwrap_or(0);
            payload.truncate(cut);
            payload.push('…');
        }
        let (stream_shown, command_shown) = (stream.clone(), command.clone());
        let full_hash = hex::encode(envelope.hash);
        let hash = full_hash.chars().take(12).collect::<String>();
        let ask_for = move |set: fn(&mut Filters, String), value: String| {
            move |_| {
                filters.set({
                    let mut only = Filters::default();
                    set(&mut only, value.clone());
                    only
                })
            }
        };
        let actor_name = ctx.live.with_untracked(|l| l.member_name(&actor).to_owned());
        view! {
            <tr data-testid="audit-row" data-position=envelope.position.to_string()>
                <td class="amount">{envelope.position}</td>
                <td>{format::date(format::day_of(at))} " " {format::clock(at)}</td>
                <td><button type="button" class="link" on:click=ask_for(|f, v| f.actor = v, actor)>{actor_name}</button></td>
                <td>{envelope.event_type.clone()}</td>
                <td><button type="button" class="link" on:click=ask_for(|f, v| f.stream = v, stream.clone())>{stream_shown}</button></td>
                <td><button type="button" class="link" data-testid="audit-command" on:click=ask_for(|f, v| f.command = v, command.clone())>{command_shown}</button></td>
                <td><code>{payload}</code></td>
                <td><code title=full_hash>{hash}</code></td>
            </tr>
        }
    };
    view! {
        <main class="audit-screen" data-testid="audit-screen">
            <h2>{move || i.t("audit.title")}</h2>
            <form class="toolbar audit-filters" on:submit=move |ev| ev.prevent_default()>
                <div class="field">
                    <label for="audit-actor">{move || i.t("audit.actor")}</label>
                    <select id="audit-actor" prop:value=move || filters.with(|f| f.actor.clone())
                        on:change=move |ev| filters.update(|f| f.actor = event_target_value(&ev))>
                        <option value="">{move || i.t("audit.anyone")}</option>
                        {member_options}
                    </select>
                </div>
                {field("audit.type", "audit-type", "text", |f| &f.event_type, |f, v| f.event_type = v)}
                {field("audit.stream", "audit-stream", "text", |f| &f.stream, |f, v| f.stream = v)}
                {field("audit.mentions", "audit-mentions", "text", |f| &f.mentions, |f, v| f.mentions = v)}
                {field("audit.command", "audit-command-filter", "text", |f| &f.command, |f, v| f.command = v)}
                {field("audit.from", "audit-from", "date", |f| &f.from, |f, v| f.from = v)}
                {field("audit.to", "audit-to", "date", |f| &f.to, |f, v| f.to = v)}
                <button type="button" class="secondary" on:click=move |_| filters.set(Filters::default())>
                    {move || i.t("audit.clear")}
                </button>
            </form>
            <p class="hint">{move || i.t("audit.hint")}</p>
            {move || failure.get().map(|f| view! { <p class="error" role="alert">{words::failure(i, f)}</p> })}
            <table class="audit-table">
                <thead><tr>
                    <th scope="col">"#"</th>
                    // Times on the group's clock, its zone named: an auditor reads them elsewhere.
                    <th scope="col">{move || format!("{} ({})", i.t("audit.when"), ctx.live.with(|l| l.board.clock.zone_name().to_owned()))}</th>
                    <th scope="col">{move || i.t("audit.actor")}</th>
                    <th scope="col">{move || i.t("audit.type")}</th>
                    <th scope="col">{move || i.t("audit.stream")}</th>
                    <th scope="col">{move || i.t("audit.command")}</th>
                    <th scope="col">{move || i.t("audit.payload")}</th>
                    <th scope="col">{move || i.t("audit.hash")}</th>
                </tr></thead>
                <tbody>{move || rows.with(|shown| shown.iter().map(row).collect_view())}</tbody>
            </table>
            {move || rows.with(Vec::is_empty).then(|| view! { <p class="empty">{i.t("audit.none")}</p> })}
            {move || more.get().then(|| view! {
                <button type="button" class="secondary" data-testid="audit-more" on:click=move |_| {
                    let last = rows.with_untracked(|r| r.last().map_or(0, |e| e.position));
                    ask(last);
                }>{i.t("audit.more")}</button>
            })}
        </main>
    }
}
