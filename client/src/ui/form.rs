//! Form fields with their labels, and the one form every action goes through: a submit
//! button that cannot send twice and says so while it waits, and the answer (done, or why
//! not) beside the form rather than at the top of a long page.

use std::sync::{Arc, Mutex};

use leptos::prelude::*;

use crate::ctx::{Ctx, use_ctx};
use crate::i18n::{I18n, use_i18n};
use crate::outbox::Action;
use crate::ui::words;

/// `(value, words)` choices of a select.
pub type Choices = Vec<(String, String)>;

/// A labelled select. An empty first value is the "choose…" line a required choice starts
/// on; with `required`, the browser will not send the form while it is chosen.
///
/// The fields read their signals with `try_`: a form redrawn by the news (a request moving
/// on) may be disposed with one last update still queued for it.
#[component]
pub fn Choice(
    #[prop(into)] id: String,
    label: &'static str,
    #[prop(into)] options: Signal<Choices>,
    value: RwSignal<String>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="field">
            <label for=id.clone()>{move || i.t(label)}</label>
            <select id=id required=required on:change=move |ev| value.set(event_target_value(&ev))>
                {move || options.try_get().unwrap_or_default().into_iter().map(|(v, words)| {
                    let selected = value.try_with_untracked(|value| *value == v).unwrap_or(false);
                    view! { <option value=v selected=selected>{words}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A labelled input.
#[component]
pub fn Field(
    #[prop(into)] id: String,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    /// The latest value a date input takes.
    #[prop(optional, into)]
    max: Option<String>,
) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="field">
            <label for=id.clone()>{move || i.t(label)}</label>
            <input id=id type=kind required=required max=max
                inputmode=(kind == "number").then_some("numeric")
                prop:value=move || value.try_get().unwrap_or_default()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

/// A labelled text area.
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    label: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="field">
            <label for=id.clone()>{move || i.t(label)}</label>
            <textarea id=id rows="3" prop:value=move || value.try_get().unwrap_or_default()
                on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        </div>
    }
}

/// A labelled checkbox.
#[component]
pub fn Check(
    #[prop(into)] id: String,
    label: &'static str,
    value: RwSignal<bool>,
) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="field check">
            <input id=id.clone() type="checkbox" prop:checked=move || value.try_get().unwrap_or_default()
                on:change=move |ev| value.set(event_target_checked(&ev)) />
            <label for=id>{move || i.t(label)}</label>
        </div>
    }
}

/// Where an action stands, as its form or button shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Sent {
    #[default]
    Idle,
    /// Queued under this command id; the button waits.
    Waiting { command_id: String, label: String },
    /// Accepted: what was done.
    Done(String),
    /// Refused, or not sent: why, in words.
    Problem(String),
}

/// Follows one action from its click to its answer.
#[derive(Clone, Copy, Debug)]
struct Sender {
    ctx: Ctx,
    sent: RwSignal<Sent>,
    /// The command id while it waits, for the clean-up when the sender goes away.
    pending_id: StoredValue<Arc<Mutex<Option<String>>>>,
    /// Whether the answer is shown beside the sender.
    beside: bool,
}

impl Sender {
    /// Watches the outbox for the answer; `on_done` runs once when it is accepted. With
    /// `beside`, the answer is shown beside the sender; without, a refusal goes to the notices
    /// at the top of the page (a one-tap button on a card that the news redraws).
    fn new(on_done: Option<Callback<()>>, beside: bool) -> Sender {
        let (i, ctx) = (use_i18n(), use_ctx());
        let sent = RwSignal::new(Sent::Idle);
        // The command id while it waits, kept outside the reactive graph: the clean-up below
        // may run after the signal is gone.
        let pending_id = Arc::new(Mutex::new(None::<String>));
        let taken = {
            let pending_id = Arc::clone(&pending_id);
            move || pending_id.lock().ok().and_then(|mut id| id.take())
        };
        Effect::new({
            let taken = taken.clone();
            move || {
                let Sent::Waiting { command_id, label } = sent.get() else { return };
                let Some(answer) = ctx.outbox.answer(&command_id) else { return };
                taken();
                sent.set(match answer {
                    Ok(()) => {
                        if let Some(done) = on_done {
                            done.run(());
                        }
                        if beside { Sent::Done(label) } else { Sent::Idle }
                    }
                    Err(refusal) if beside => Sent::Problem(words::refusal(i, &refusal)),
                    Err(_) => Sent::Idle,
                });
            }
        });
        // A sender that goes away before its answer (a card redrawn because the delivery
        // moved on) leaves a refusal to the notices at the top of the page.
        let outbox = ctx.outbox;
        on_cleanup(move || {
            if let Some(command_id) = taken() {
                outbox.orphan(&command_id);
            }
        });
        Sender { ctx, sent, pending_id: StoredValue::new(pending_id), beside }
    }

    fn waiting(self) -> bool {
        self.sent.try_with(|sent| matches!(sent, Sent::Waiting { .. })).unwrap_or(false)
    }

    /// Sends what `action` builds, unless this sender's last action still waits.
    fn send(self, action: Result<Action, String>) {
        if self.sent.try_with_untracked(|s| matches!(s, Sent::Waiting { .. })) != Some(false) {
            return;
        }
        self.sent.try_set(match action {
            Ok(action) => {
                let label = action.label.clone();
                let command_id = self.ctx.outbox.send(action, self.beside);
                self.pending_id.try_with_value(|id| {
                    if let Ok(mut id) = id.lock() {
                        *id = Some(command_id.clone());
                    }
                });
                Sent::Waiting { command_id, label }
            }
            Err(problem) => Sent::Problem(problem),
        });
    }

    /// The answer, beside the form or button: done, or why not.
    fn answer(self, test_id: String) -> impl IntoView {
        let i = use_i18n();
        move || {
            match self.sent.get() {
            Sent::Done(label) => Some(view! {
                <p class="answer done" role="status" data-testid=format!("{test_id}-done")>
                    {i.tf("done", &[("what", &label)])}
                </p>
            }.into_any()),
            Sent::Problem(words) => Some(view! {
                <p class="answer error" role="alert" data-testid=format!("{test_id}-error")>{words}</p>
            }.into_any()),
            Sent::Idle | Sent::Waiting { .. } => None,
        }
        }
    }
}

/// What builds an action from a form's fields, or says what is missing.
type Build = Arc<dyn Fn() -> Result<Action, String> + Send + Sync>;

/// A form that sends one action: its fields, one submit button, the answer beside it.
/// `action` reads the fields and builds the action, or says what is missing; `on_done` runs
/// once the server accepted it (to clear the fields). While the action waits, the button is
/// disabled and says so, so a double click lands once.
#[component]
pub fn ActionForm<A>(
    #[prop(into)] test_id: String,
    /// The button's words (a translation key).
    submit: &'static str,
    action: A,
    #[prop(optional)] on_done: Option<Callback<()>>,
    #[prop(default = "stacked")] class: &'static str,
    /// A button that destroys or undoes something.
    #[prop(optional)]
    danger: bool,
    children: Children,
) -> impl IntoView
where
    A: Fn() -> Result<Action, String> + Send + Sync + 'static,
{
    // One copy of the form's code, whatever builds its action.
    action_form(Shape { test_id, submit, class, danger }, Arc::new(action), on_done, children)
}

/// A form's fixed parts.
struct Shape {
    test_id: String,
    submit: &'static str,
    class: &'static str,
    danger: bool,
}

fn action_form(
    shape: Shape,
    build: Build,
    on_done: Option<Callback<()>>,
    children: Children,
) -> AnyView {
    let i = use_i18n();
    let sender = Sender::new(on_done, true);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sender.send(build());
    };
    let Shape { test_id, submit, class, danger } = shape;
    let (answer_id, submit_id) = (test_id.clone(), format!("{test_id}-submit"));
    view! {
        <form class=class data-testid=test_id on:submit=on_submit>
            {children()}
            <button type="submit" class:danger=danger data-testid=submit_id
                disabled=move || sender.waiting()
                aria-busy=move || sender.waiting().then_some("true")>
                {move || if sender.waiting() { i.t("form.sending") } else { i.t(submit) }}
            </button>
            {sender.answer(answer_id)}
        </form>
    }
    .into_any()
}

/// One button that sends one action: it waits like a form's, and a refusal shows at the top
/// of the page (the card it sits on may be redrawn by the news before the answer comes).
#[component]
pub fn ActionButton<A>(
    test_id: &'static str,
    /// The button's words (a translation key).
    label: &'static str,
    action: A,
    #[prop(optional)] class: &'static str,
) -> impl IntoView
where
    A: Fn() -> Result<Action, String> + Send + Sync + 'static,
{
    action_button(test_id, label, class, Arc::new(action))
}

fn action_button(
    test_id: &'static str,
    label: &'static str,
    class: &'static str,
    build: Build,
) -> AnyView {
    let i = use_i18n();
    let sender = Sender::new(None, false);
    view! {
        <span class="action">
            <button type="button" class=class data-testid=test_id disabled=move || sender.waiting()
                aria-busy=move || sender.waiting().then_some("true")
                on:click=move |_| sender.send(build())>
                {move || if sender.waiting() { i.tf("action.waiting", &[("what", &i.t(label))]) } else { i.t(label) }}
            </button>
            {sender.answer(test_id.to_owned())}
        </span>
    }
    .into_any()
}

/// `(value, words)` choices for a select, from values that serialize to a string, each
/// with the words of its translation key.
pub fn options<T: serde::Serialize + Copy>(
    i: I18n,
    values: &[T],
    key: fn(T) -> &'static str,
) -> Choices {
    values.iter().map(|v| (slug(v), i.t(key(*v)))).collect()
}

/// The name a value serializes to (`"nobody_home"`), as a select's value.
pub fn slug<T: serde::Serialize>(value: &T) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    serde_json::from_str(&quoted).unwrap_or_default()
}

/// The value a select's choice names, read back through its serde name.
pub fn parse_slug<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_str(&serde_json::to_string(text).ok()?).ok()
}
