//! Replay (`#/replay`): the board as it was at any moment of a chosen day or month. Drag
//! the timeline to a moment (the server answers from its snapshots), then step event by
//! event with who did what, or play at ×1 to ×600. The replay has its own copy of the
//! board: the live one keeps folding news in the background, untouched.

use std::collections::VecDeque;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::distribution::day::{date_of_day, day_of_date, days_in_month};
use shared::view::{PastBoard, PastEvents};

use crate::api::{self, Failure};
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::incoming::{Incoming, IncomingEvent};
use crate::live::Live;
use crate::ui::board::{Fit, alerts_view, columns_view, deliveries_view, stock_view};
use crate::ui::{format, words};

/// How fast the replay can play: ×1 is real time.
const SPEEDS: [i64; 4] = [1, 10, 60, 600];
/// How often a playing replay moves on.
const TICK_MS: i64 = 250;
/// The steps listed under the timeline.
const STEPS_SHOWN: usize = 8;

/// Events fetched and not yet folded, and where the next fetch starts.
#[derive(Default)]
struct Queue {
    pending: VecDeque<IncomingEvent>,
    after: u64,
    /// Nothing more before the span's end.
    exhausted: bool,
    loading: bool,
    /// Counts the jumps: an answer to an older one is dropped.
    generation: u64,
}

#[component]
pub fn ReplayScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let today = format::day_of(ctx.now.get_untracked());
    let day = RwSignal::new(format::date(today));
    let whole_month = RwSignal::new(false);
    let past = RwSignal::new(Live::default());
    let cursor = RwSignal::new(format::start_of_day_ms(today));
    let steps = RwSignal::new(Vec::<String>::new());
    let speed = RwSignal::new(0_i64);
    let failure = RwSignal::new(None::<Failure>);
    let queue = StoredValue::new(Queue::default());
    let fit = Memo::new(move |_| {
        let (width, height) = ctx.viewport.get();
        Fit::of(width, height)
    });
    // The span the timeline covers: the chosen day, or its whole month.
    let span = move || {
        let first = format::parse_date(&day.get()).unwrap_or(today);
        if !whole_month.get() {
            return (format::start_of_day_ms(first), format::start_of_day_ms(first + 1));
        }
        let (year, month, _) = date_of_day(first);
        let start = day_of_date(year, month, 1).unwrap_or(first);
        let days = days_in_month(year, month).map_or(1, i64::from);
        (format::start_of_day_ms(start), format::start_of_day_ms(start + days))
    };

    // Answers come after the screen may have closed: every access below is a `try_`, and a
    // closed screen's answer is dropped.
    let fill = move || {
        let Some((after, generation, wanted)) = queue.try_with_value(|q| {
            (q.after, q.generation, q.pending.len() < 64 && !q.exhausted && !q.loading)
        }) else {
            return;
        };
        if !wanted {
            return;
        }
        queue.update_value(|q| q.loading = true);
        let until = untrack(span).1 - 1;
        spawn_local(async move {
            let path = format!("/api/history/events?after={after}&limit=500&until_ms={until}");
            let answer = api::get_json::<PastEvents<IncomingEvent>>(&path).await;
            queue.try_update_value(|q| {
                if q.generation != generation {
                    return;
                }
                q.loading = false;
                match answer {
                    Ok(page) => {
                        q.exhausted = page.last == q.after;
                        q.after = page.last;
                        q.pending.extend(page.events);
                    }
                    Err(error) => {
                        q.exhausted = true;
                        failure.try_set(Some(error));
                    }
                }
            });
        });
    };
    // Folds `events` into the past board and lists who did what.
    let fold = move |events: Vec<IncomingEvent>, to_ms: i64| {
        if !events.is_empty() {
            let lines: Vec<String> =
                past.with_untracked(|l| events.iter().map(|e| step_words(i, l, e)).collect());
            steps.update(|shown| {
                shown.extend(lines);
                let extra = shown.len().saturating_sub(STEPS_SHOWN);
                shown.drain(..extra);
            });
            past.update(|l| {
                l.receive(Incoming::Events { events });
            });
        }
        cursor.set(to_ms);
        fill();
    };
    let jump = move |at_ms: i64| {
        let generation = queue.with_value(|q| q.generation + 1);
        queue.set_value(Queue { generation, ..Queue::default() });
        cursor.set(at_ms);
        spawn_local(async move {
            let answer = api::get_json::<PastBoard>(&format!("/api/history?at_ms={at_ms}")).await;
            if queue.try_with_value(|q| q.generation) != Some(generation) {
                return;
            }
            match answer {
                Ok(board) => {
                    let position = board.snapshot.position;
                    let mut fresh = Live::default();
                    fresh.receive(Incoming::Snapshot { snapshot: Box::new(board.snapshot) });
                    past.try_set(fresh);
                    steps.try_set(Vec::new());
                    failure.try_set(None);
                    queue.try_update_value(|q| q.after = position);
                    fill();
                }
                Err(error) => {
                    failure.try_set(Some(error));
                }
            }
        });
    };
    let step = move || {
        let next = queue.try_update_value(|q| q.pending.pop_front()).flatten();
        match next {
            Some(event) => {
                let at = event.recorded_at_ms;
                fold(vec![event], at);
            }
            None => fill(),
        }
    };
    let advance = move |to_ms: i64| {
        let due = queue
            .try_update_value(|q| {
                let n = q.pending.iter().take_while(|e| e.recorded_at_ms <= to_ms).count();
                q.pending.drain(..n).collect::<Vec<_>>()
            })
            .unwrap_or_default();
        fold(due, to_ms);
    };
    Effect::new(move || jump(span().0));
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let times = speed.get_untracked();
            if times == 0 {
                return;
            }
            let end = untrack(span).1;
            let to = (cursor.get_untracked() + TICK_MS * times).min(end);
            if to >= end {
                speed.set(0);
            }
            advance(to);
        },
        Duration::from_millis(TICK_MS as u64),
    ) {
        on_cleanup(move || handle.clear());
    }

    let speed_button = move |times: i64| {
        view! {
            <button type="button" class="secondary" data-testid=format!("replay-x{times}")
                aria-pressed=move || (speed.get() == times).to_string()
                on:click=move |_| speed.set(if speed.get_untracked() == times { 0 } else { times })>
                {format!("×{times}")}
            </button>
        }
    };
    view! {
        <main class="replay-screen" data-testid="replay-screen">
            <section class="toolbar replay-controls">
                <div class="field">
                    <label for="replay-day">{move || i.t("replay.day")}</label>
                    <input id="replay-day" type="date" prop:value=move || day.get()
                        on:change=move |ev| day.set(event_target_value(&ev)) />
                </div>
                <label class="field check">
                    <input type="checkbox" prop:checked=move || whole_month.get()
                        on:change=move |ev| whole_month.set(event_target_checked(&ev)) />
                    {move || i.t("replay.whole_month")}
                </label>
                <input type="range" class="timeline" data-testid="replay-slider" aria-label=move || i.t("replay.timeline")
                    prop:min=move || span().0.to_string() prop:max=move || span().1.to_string() step="60000"
                    prop:value=move || cursor.get().to_string()
                    on:change=move |ev| {
                        if let Ok(at) = event_target_value(&ev).parse::<i64>() { jump(at) }
                    } />
                <strong data-testid="replay-time">
                    {move || { let at = cursor.get(); format!("{} {}", words::date(i, format::day_of(at)), format::clock(at)) }}
                </strong>
                <button type="button" data-testid="replay-step" on:click=move |_| step()>{move || i.t("replay.step")}</button>
                {SPEEDS.map(speed_button)}
                <span class="hint" data-testid="replay-position">
                    {move || past.with(|l| l.position.map(|p| i.tf("replay.position", &[("n", &p.to_string())])))}
                </span>
            </section>
            {move || failure.get().map(|f| view! { <p class="error" role="alert">{words::failure(i, f)}</p> })}
            <ol class="plain replay-steps" data-testid="replay-steps" aria-live="polite">
                {move || steps.get().into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
            </ol>
            <section class="columns" aria-label=move || i.t("board.columns")>
                {move || past.with(|l| columns_view(i, l, cursor.get(), fit.get()))}
            </section>
            <section class="panels">
                <section class="panel">
                    <h2>{move || i.t("board.deliveries_today")}</h2>
                    <div class="lanes" style:column-count=move || fit.get().lanes.to_string()>{move || past.with(|l| deliveries_view(i, l, cursor.get(), fit.get()))}</div>
                </section>
                <section class="panel">
                    <h2>{move || i.t("board.alerts")}</h2>
                    {move || past.with(|l| alerts_view(i, l, cursor.get(), fit.get()))}
                </section>
                <section class="panel">
                    <h2>{move || i.t("board.stock_warnings")}</h2>
                    {move || past.with(|l| stock_view(i, l, cursor.get(), fit.get()))}
                </section>
            </section>
        </main>
    }
}

/// "14:05 · Vik · Delivery completed · r-12": one step of the replay.
fn step_words(i: I18n, live: &Live, event: &IncomingEvent) -> String {
    let kind = event.event_type();
    let words = words::event(i, &kind);
    let subject = event.subject().map(|id| format!(" · {id}")).unwrap_or_default();
    format!(
        "{} · {} · {words}{subject}",
        format::clock(event.recorded_at_ms),
        live.member_name(&event.actor)
    )
}
