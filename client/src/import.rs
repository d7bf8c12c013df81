//! The import screen (`#/import`): a coordinator uploads a spreadsheet's CSV file of items,
//! members, partners, households, donations or expenses. "Check" sends it as a dry run (the
//! server writes nothing) and shows what it would create, the rows already in Potluck, a
//! preview and every error by row and column; "Import" sends the same file again with the
//! check's hash, and the server imports all of it or nothing.
//!
//! The server's report is read as a JSON value (no serde code of its own in the bundle). While
//! a file is with the server, the screen polls `/api/imports/progress` for a progress bar
//! and offers to stop it.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use web_sys::{File, HtmlInputElement};

use crate::api;
use crate::app::use_ctx;
use crate::forms::Choice;
use crate::i18n::{I18n, use_i18n};

/// What can be imported (`POST /api/imports/{kind}`), and the command a member's roles must
/// allow to import it.
pub const KINDS: [(&str, &str); 6] = [
    ("items", "ReceiveStock"),
    ("members", "AddMember"),
    ("partners", "RegisterPartner"),
    ("households", "RegisterHousehold"),
    ("donations", "RecordTransaction"),
    ("expenses", "RecordTransaction"),
];

/// The kinds a member may import, given what their roles allow.
pub fn allowed(may: impl Fn(&str) -> bool) -> Vec<&'static str> {
    KINDS.iter().filter(|(_, command)| may(command)).map(|(kind, _)| *kind).collect()
}

/// The import's address: a dry run, or the import itself with the dry run's hash.
pub fn import_path(kind: &str, dates: &str, commit: Option<&str>) -> String {
    let commit = commit.map(|hash| format!("&commit={hash}")).unwrap_or_default();
    format!("/api/imports/{kind}?dates={dates}{commit}")
}

fn number(value: &Value, field: &str) -> u64 {
    value.get(field).and_then(Value::as_u64).unwrap_or_default()
}

fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value.get(field).and_then(Value::as_str).unwrap_or_default()
}

fn list<'a>(value: &'a Value, field: &str) -> &'a [Value] {
    value.get(field).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// One error of the report in words: "Row 14, quantity: 'twelve' is not a number".
pub fn error_words(i: I18n, error: &Value) -> String {
    let row = number(error, "row").to_string();
    let (column, message) = (text(error, "column"), text(error, "message"));
    if column.is_empty() {
        i.tf("import.error_row", &[("row", &row), ("message", message)])
    } else {
        i.tf("import.error", &[("row", &row), ("column", column), ("message", message)])
    }
}

/// The server's message from an error body, `{"error", "message"}` or `{"error": {...}}`.
fn message_of(status: u16, body: &str) -> String {
    let value: Value = serde_json::from_str(body).unwrap_or_default();
    match value.get("message").and_then(Value::as_str) {
        Some(message) => message.to_owned(),
        None => api::error_words(status, body),
    }
}

/// Whether the report allows the import: checked, not yet imported, and free of errors.
pub fn importable(report: &Value) -> bool {
    report.get("committed") == Some(&Value::Bool(false)) && number(report, "errors_total") == 0
}

#[component]
pub fn ImportScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let kinds = allowed(|command| ctx.may(command));
    let Some(first) = kinds.first() else {
        return view! { <main><p class="error">{i.t("error.not_allowed")}</p></main> }.into_any();
    };
    let kind = RwSignal::new((*first).to_owned());
    let kind_options = Signal::derive(move || {
        kinds.iter().map(|k| ((*k).to_owned(), i.t(&format!("import.kind.{k}")))).collect()
    });
    let dates = RwSignal::new("auto".to_owned());
    let date_options = Signal::derive(move || {
        ["auto", "dmy", "mdy"].map(|d| (d.to_owned(), i.t(&format!("import.dates.{d}")))).to_vec()
    });
    let file = StoredValue::new_local(None::<File>);
    let file_name = RwSignal::new(String::new());
    // Checked once on this screen: choosing a file again (fixed) checks it again.
    let checked = StoredValue::new(false);
    let report = RwSignal::new(None::<Value>);
    let problem = RwSignal::new(None::<String>);
    // `Some` while the server has the file: the last progress it reported.
    let progress = RwSignal::new(None::<Value>);
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
        let path = import_path(&kind.get_untracked(), &dates.get_untracked(), commit.as_deref());
        problem.set(None);
        report.set(None);
        progress.set(Some(Value::Null));
        let poll = set_interval_with_handle(
            move || {
                spawn_local(async move {
                    if let Ok(now) = api::get_json::<Value>("/api/imports/progress").await {
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
            progress.set(None);
            match answer {
                // 422: the import found errors and wrote nothing; the report lists them.
                Ok((200 | 422, body)) => report.set(serde_json::from_str(&body).ok()),
                Ok((401, _)) => ctx.outbox.signed_out.set(true),
                Ok((status, body)) => problem.set(Some(message_of(status, &body))),
                Err(_) => problem.set(Some(i.t("error.unreachable"))),
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
        if let Some(hash) =
            report.with_untracked(|r| r.as_ref().map(|r| text(r, "file_hash").to_owned()))
        {
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
                        disabled=move || busy() || !report.with(|r| r.as_ref().is_some_and(importable))>
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
fn progress_view(i: I18n, now: &Value) -> impl IntoView + use<> {
    let stop = |_| {
        spawn_local(async {
            let _ = api::call("DELETE", "/api/imports/progress", None).await;
        });
    };
    let (done, total) = (number(now, "done"), number(now, "total"));
    let phase =
        format!("import.phase.{}", now.get("phase").and_then(Value::as_str).unwrap_or("reading"));
    view! {
        <p role="status" data-testid="import-progress">
            <progress max=total.max(1).to_string() value=(total > 0).then(|| done.to_string())></progress>
            " " {i.t(&phase)} {(total > 0).then(|| format!(" {done} / {total}"))} " "
            <button type="button" class="secondary" on:click=stop>{i.t("import.stop")}</button>
        </p>
    }
}

fn report_view(i: I18n, report: &Value) -> impl IntoView + use<> {
    let rows = number(report, "rows").to_string();
    let unchanged = number(report, "unchanged").to_string();
    let errors = list(report, "errors");
    let more = number(report, "errors_total").saturating_sub(errors.len() as u64);
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
    let committed = report.get("committed") == Some(&Value::Bool(true));
    let outcome = committed.then(|| {
        let positions = list(report, "positions");
        let words = match positions {
            [first, last] => {
                i.tf("import.done", &[("first", &first.to_string()), ("last", &last.to_string())])
            }
            _ => i.t("import.nothing_new"),
        };
        view! { <p class="done" data-testid="import-done">{words}</p> {sign_ins_view(i, report)}}
    });
    let actions = list(report, "actions");
    let actions = (!actions.is_empty()).then(|| {
        let items = actions
            .iter()
            .map(|a| view! { <li>{format!("{}: {}", text(a, "command"), number(a, "count"))}</li> })
            .collect_view();
        view! {
            <h3>{i.t(if committed { "import.created" } else { "import.will_create" })}</h3>
            <ul data-testid="import-actions">{items}</ul>
        }
    });
    let preview = list(report, "preview");
    let preview = (!preview.is_empty()).then(|| {
        let items = preview
            .iter()
            .map(|p| {
                let row = number(p, "row").to_string();
                view! { <li>{i.tf("import.preview_line", &[("row", &row), ("text", text(p, "text"))])}</li> }
            })
            .collect_view();
        view! { <h3>{i.t("import.preview")}</h3> <ul class="hint" data-testid="import-preview">{items}</ul> }
    });
    // How the server read the file: separator, header line, columns it ignored.
    let notes = list(report, "notes")
        .iter()
        .map(|note| view! { <li>{note.as_str().unwrap_or_default().to_owned()}</li> })
        .collect_view();
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
fn sign_ins_view(i: I18n, report: &Value) -> Option<impl IntoView + use<>> {
    let sign_ins = list(report, "sign_ins");
    (!sign_ins.is_empty()).then(|| {
        let rows = sign_ins
            .iter()
            .map(|s| {
                view! {
                    <tr data-testid="import-sign-in">
                        <td>{text(s, "member_id").to_owned()}</td>
                        <td><code>{text(s, "password").to_owned()}</code></td>
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_kinds_a_members_roles_allow_are_offered() {
        let finance = allowed(|command| command == "RecordTransaction");
        assert_eq!(finance, ["donations", "expenses"]);
        assert_eq!(allowed(|_| true).len(), KINDS.len());
        assert!(allowed(|_| false).is_empty());
    }

    #[test]
    fn a_dry_run_and_an_import_have_their_own_addresses() {
        assert_eq!(import_path("items", "dmy", None), "/api/imports/items?dates=dmy");
        assert_eq!(
            import_path("members", "auto", Some("ab12")),
            "/api/imports/members?dates=auto&commit=ab12"
        );
    }

    #[test]
    fn errors_read_as_row_column_and_message_and_block_the_import() {
        crate::i18n::loaded();
        let i = I18n { lang: RwSignal::new(crate::i18n::Lang::En) };
        let error = json!({"row": 14, "column": "quantity", "message": "'twelve' is not a number"});
        assert_eq!(error_words(i, &error), "Row 14, quantity: 'twelve' is not a number");
        let whole_row = json!({"row": 3, "column": null, "message": "too few columns"});
        assert_eq!(error_words(i, &whole_row), "Row 3: too few columns");

        let report = |errors_total: u64, committed: bool| json!({"errors_total": errors_total, "committed": committed});
        assert!(importable(&report(0, false)));
        assert!(!importable(&report(1, false)));
        assert!(!importable(&report(0, true)));
        assert_eq!(
            message_of(413, r#"{"error":"too_large","message":"over 50 MB"}"#),
            "over 50 MB"
        );
    }
}
