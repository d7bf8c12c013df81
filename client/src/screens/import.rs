//! The import screen (`#/import`): a coordinator uploads a spreadsheet's CSV file of items,
//! members, partners, households, donations or expenses. "Check" sends it as a dry run (the
//! server writes nothing) and shows what it would create, the rows already in Potluck, a
//! preview and every error by row and column; "Import" sends the same file again with the
//! check's hash, and the server imports all of it or nothing.
//!
//! While a file is with the server, the screen polls `/api/imports/progress` for a progress
//! bar and offers to stop it.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use shared::kind::CommandKind;
use shared::view::import::{Kind, Phase, Progress, Report, RowError};
use web_sys::{File, HtmlInputElement};

use crate::api;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::ui::form::{Choice, slug};

/// The kinds a member may import: those whose every command their roles allow (the server
/// asks the same of the importing member).
pub fn allowed(may: impl Fn(CommandKind) -> bool) -> Vec<Kind> {
    Kind::ALL.into_iter().filter(|kind| kind.command_kinds().iter().all(|c| may(*c))).collect()
}

/// The import's address: a dry run, or the import itself with the dry run's hash.
pub fn import_path(kind: Kind, dates: &str, commit: Option<&str>) -> String {
    let commit = commit.map(|hash| format!("&commit={hash}")).unwrap_or_default();
    format!("/api/imports/{}?dates={dates}{commit}", kind.name())
}

/// One error of the report in words: "Row 14, quantity: 'twelve' is not a number".
pub fn error_words(i: I18n, error: &RowError) -> String {
    let row = error.row.to_string();
    if error.column.is_empty() {
        i.tf("import.error_row", &[("row", &row), ("message", &error.message)])
    } else {
        i.tf(
            "import.error",
            &[("row", &row), ("column", &error.column), ("message", &error.message)],
        )
    }
}

/// A refusal before any report: the body limit's `{"error", "message"}`, or the API's
/// `{"error": {"code", "message"}}`.
#[derive(Deserialize)]
struct Refused {
    message: String,
}

fn message_of(status: u16, body: &str) -> String {
    match serde_json::from_str::<Refused>(body) {
        Ok(refused) => refused.message,
        Err(_) => api::error_detail(status, body).message,
    }
}

#[component]
pub fn ImportScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let kinds = allowed(|command| ctx.may(command));
    let Some(first) = kinds.first() else {
        return view! { <main><p class="error">{i.t("error.not_allowed")}</p></main> }.into_any();
    };
    let kind = RwSignal::new(first.name().to_owned());
    let kind_options = Signal::derive(move || {
        kinds
            .iter()
            .map(|k| (k.name().to_owned(), i.t(&format!("import.kind.{}", k.name()))))
            .collect()
    });
    let dates = RwSignal::new("auto".to_owned());
    let date_options = Signal::derive(move || {
        ["auto", "dmy", "mdy"].map(|d| (d.to_owned(), i.t(&format!("import.dates.{d}")))).to_vec()
    });
    let file = StoredValue::new_local(None::<File>);
    let file_name = RwSignal::new(String::new());
    // Checked once on this screen: choosing a file again (fixed) checks it again.
    let checked = StoredValue::new(false);
    let report = RwSignal::new(None::<Report>);
    let problem = RwSignal::new(None::<String>);
    // `Some` while the server has the file: the last progress it reported.
    let progress = RwSignal::new(None::<Progress>);
    // A report says what one file of one kind would do: another choice makes it stale.
    Effect::new(move || {
        kind.track();
        dates.track();
        report.set(None);
    });

    let run = move |commit: Option<String>| {
        let Some(chosen) = file.get_value() else {
            return problem.set(Some(i.t("import.choose_file")));
        };
        if progress.get_untracked().is_some() {
            return;
        }
        checked.set_value(true);
        let Some(chosen_kind) = Kind::from_name(&kind.get_untracked()) else { return };
        let path = import_path(chosen_kind, &dates.get_untracked(), commit.as_deref());
        problem.set(None);
        report.set(None);
        progress.set(Some(Progress::default()));
        let poll = set_interval_with_handle(
            move || {
                spawn_local(async move {
                    if let Ok(now) = api::get_json::<Progress>("/api/imports/progress").await {
                        progress.try_update(|p| p.is_some().then(|| *p = Some(now)));
                    }
                });
            },
            Duration::from_millis(500),
        );
        spawn_local(async move {
            let answer = api::call_with("POST", &path, Some((chosen.as_ref(), "text/csv"))).await;
            if let Ok(poll) = poll {
                poll.clear();
            }
            progress.try_set(None);
            match answer {
                // 422: the import found errors and wrote nothing; the report lists them.
                Ok((200 | 422, body)) => {
                    report.try_set(serde_json::from_str(&body).ok());
                }
                Ok((401, _)) => {
                    ctx.outbox.signed_out.try_set(true);
                }
                Ok((status, body)) => {
                    problem.try_set(Some(message_of(status, &body)));
                }
                Err(_) => {
                    problem.try_set(Some(i.t("error.unreachable")));
                }
            }
        });
    };
    let choose = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let Some(chosen) = input.files().and_then(|files| files.get(0)) else { return };
        file_name.set(chosen.name());
        file.set_value(Some(chosen));
        // Emptied, so choosing the same file again after fixing it is a change too.
        input.set_value("");
        if checked.get_value() {
            run(None);
        }
    };
    let commit = move |_| {
        if let Some(hash) = report.with_untracked(|r| r.as_ref().map(|r| r.file_hash.clone())) {
            run(Some(hash));
        }
    };
    let busy = move || progress.with(Option::is_some);
    view! {
        <main class="import-screen" data-testid="import-screen">
            <h2>{move || i.t("import.title")}</h2>
            <p class="hint">{move || i.t("import.hint")}</p>
            <form class="stacked" on:submit=|ev| ev.prevent_default()>
                <Choice id="import-kind" label="import.kind" options=kind_options value=kind />
                // The items and stock as they are now, in the layout this import reads.
                {move || (kind.get() == "items").then(|| view! {
                    <a href="/api/exports/items.csv" download data-testid="import-items-template">{i.t("import.items_template")}</a>
                })}
                <Choice id="import-dates" label="import.dates" options=date_options value=dates />
                <div class="field">
                    <label for="import-file">{move || i.t("import.file")}</label>
                    <input id="import-file" type="file" accept=".csv,text/csv" disabled=busy on:change=choose />
                    <span class="hint" data-testid="import-file-name">{move || file_name.get()}</span>
                </div>
                <div class="buttons">
                    <button type="button" data-testid="import-check" disabled=busy on:click=move |_| run(None)>
                        {move || i.t("import.check")}
                    </button>
                    <button type="button" data-testid="import-commit" on:click=commit
                        disabled=move || busy() || !report.with(|r| r.as_ref().is_some_and(Report::importable))>
                        {move || i.t("import.commit")}
                    </button>
                </div>
            </form>
            // One reactive part for what the server said: while it has the file there is
            // neither a problem nor a report to show.
            {move || view! {
                {progress.get().map(|now| progress_view(i, &now))}
                {problem.get().map(|words| view! { <p class="error" role="alert" data-testid="import-problem">{words}</p> })}
                {report.get().map(|r| report_view(i, &r))}
            }}
        </main>
    }
    .into_any()
}

/// The running import's progress, and a way to stop it before it writes.
fn progress_view(i: I18n, now: &Progress) -> impl IntoView + use<> {
    let stop = |_| {
        spawn_local(async {
            let _ = api::call("DELETE", "/api/imports/progress", None).await;
        });
    };
    let (done, total) = (now.done, now.total);
    // Before the server's first answer the file is on its way: reading.
    let phase = if now.phase == Phase::Idle { Phase::Reading } else { now.phase };
    let phase = format!("import.phase.{}", slug(&phase));
    view! {
        <p role="status" data-testid="import-progress">
            <progress max=total.max(1).to_string() value=(total > 0).then(|| done.to_string())></progress>
            " " {i.t(&phase)} {(total > 0).then(|| format!(" {done} / {total}"))} " "
            <button type="button" class="secondary" on:click=stop>{i.t("import.stop")}</button>
        </p>
    }
}

fn report_view(i: I18n, report: &Report) -> impl IntoView + use<> {
    let rows = report.rows.to_string();
    let unchanged = report.unchanged.to_string();
    let errors = &report.errors;
    let more = report.errors_total.saturating_sub(errors.len());
    let errors = (!errors.is_empty()).then(|| {
        let items = errors
            .iter()
            .map(|e| view! { <li data-testid="import-error">{error_words(i, e)}</li> })
            .collect_view();
        let more = (more > 0).then(|| i.tf("import.more_errors", &[("n", &more.to_string())]));
        view! {
            <h3>{i.t("import.errors")}</h3>
            <ul class="error" data-testid="import-errors">{items}</ul>
            <p>{more}</p>
        }
    });
    let committed = report.committed;
    let outcome = committed.then(|| {
        let words = match report.positions {
            Some((first, last)) => {
                i.tf("import.done", &[("first", &first.to_string()), ("last", &last.to_string())])
            }
            None => i.t("import.nothing_new"),
        };
        view! { <p class="done" data-testid="import-done">{words}</p> {sign_ins_view(i, report)}}
    });
    let actions = &report.actions;
    let actions = (!actions.is_empty()).then(|| {
        let items = actions
            .iter()
            .map(|a| view! { <li>{format!("{}: {}", command_words(i, &a.command), a.count)}</li> })
            .collect_view();
        view! {
            <h3>{i.t(if committed { "import.created" } else { "import.will_create" })}</h3>
            <ul data-testid="import-actions">{items}</ul>
        }
    });
    let preview = &report.preview;
    let preview = (!preview.is_empty()).then(|| {
        let items = preview
            .iter()
            .map(|p| {
                let row = p.row.to_string();
                view! { <li>{i.tf("import.preview_line", &[("row", &row), ("text", &p.text)])}</li> }
            })
            .collect_view();
        view! { <h3>{i.t("import.preview")}</h3> <ul class="hint" data-testid="import-preview">{items}</ul> }
    });
    // How the server read the file: separator, header line, columns it ignored.
    let notes = report.notes.iter().map(|note| view! { <li>{note.clone()}</li> }).collect_view();
    view! {
        <section data-testid="import-report">
            {outcome}
            <p data-testid="import-summary">
                {i.tf("import.summary", &[("rows", &rows), ("unchanged", &unchanged)])}
            </p>
            <ul class="hint" data-testid="import-notes">{notes}</ul>
            {errors}
            {actions}
            {preview}
        </section>
    }
}

/// Members' first passwords after a members import: the server keeps only their hashes.
fn sign_ins_view(i: I18n, report: &Report) -> Option<impl IntoView + use<>> {
    let sign_ins = &report.sign_ins;
    (!sign_ins.is_empty()).then(|| {
        let rows = sign_ins
            .iter()
            .map(|s| {
                view! {
                    <tr data-testid="import-sign-in">
                        <td>{s.member_id.clone()}</td>
                        <td><code>{s.password.clone()}</code></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <p class="warning" role="alert">{i.t("import.sign_ins_once")}</p>
            <table class="statement-table">
                <thead><tr>
                    <th scope="col">{i.t("people.member")}</th>
                    <th scope="col">{i.t("import.password")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    })
}

/// A command's name in the page's language ("Add a member"); its type for one the files do
/// not name yet.
fn command_words(i: I18n, command_type: &str) -> String {
    let text = i.lang.get().text(&format!("command.{command_type}"));
    if text.is_empty() { command_type.to_owned() } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adding a command: a member must be allowed to send it and a screen must be able to
    /// name it, in every language.
    #[test]
    fn every_command_a_member_sends_has_roles_and_words_in_every_language() {
        crate::i18n::loaded();
        for command_type in shared::access::COMMAND_TYPES {
            assert!(
                !shared::access::roles_for_command(command_type).is_empty(),
                "{command_type}: no role may send it"
            );
            for lang in crate::i18n::Lang::ALL {
                let key = format!("command.{command_type}");
                assert!(!lang.text(&key).is_empty(), "{}: {key}", lang.tag());
            }
        }
    }

    #[test]
    fn only_the_kinds_whose_every_command_the_roles_allow_are_offered() {
        let finance = ["RecordTransaction", "OpenAccount", "PayExpense"];
        assert_eq!(
            allowed(|command| finance.contains(&command.name())),
            [Kind::Donations, Kind::Expenses]
        );
        assert_eq!(allowed(|_| true).len(), Kind::ALL.len());
        assert!(allowed(|_| false).is_empty());
    }

    #[test]
    fn a_dry_run_and_an_import_have_their_own_addresses() {
        assert_eq!(import_path(Kind::Items, "dmy", None), "/api/imports/items?dates=dmy");
        assert_eq!(
            import_path(Kind::Members, "auto", Some("ab12")),
            "/api/imports/members?dates=auto&commit=ab12"
        );
    }

    #[test]
    fn errors_read_as_row_column_and_message() {
        crate::i18n::loaded();
        let owner = Owner::new();
        owner.set();
        let i = I18n { lang: RwSignal::new(crate::i18n::Lang::En) };
        let error = RowError {
            row: 14,
            column: "quantity".into(),
            message: "'twelve' is not a number".into(),
        };
        assert_eq!(error_words(i, &error), "Row 14, quantity: 'twelve' is not a number");
        let whole_row =
            RowError { row: 3, column: String::new(), message: "too few columns".into() };
        assert_eq!(error_words(i, &whole_row), "Row 3: too few columns");
        assert_eq!(
            message_of(413, r#"{"error":"too_large","message":"over 50 MB"}"#),
            "over 50 MB"
        );
    }
}
