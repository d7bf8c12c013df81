//! Looking after the group, on the people screen: the coordinator defines role cards, gives
//! them, hands them over, renews and ends them, and keeps the agreement; coordinators and
//! logistics plan shifts and correct times from the sign-in sheet or record an absence;
//! every member records their skills and makes or ends commitments.
//!
//! Commands go out as JSON objects, like the shift buttons' (`people::Command`'s `Serialize`
//! covers every people command and would cost the bundle for what these forms build).

use leptos::prelude::*;
use serde_json::{Value, json};

use shared::access::Role;
use shared::distribution::day::day_of;

use crate::app::use_ctx;
use crate::forms::{Choice, Field, parse_date};
use crate::i18n::{I18n, use_i18n};
use crate::outbox::new_id;
use crate::people::{RosterView, hours, skill_words};
use crate::screens::{clock, date_label};

const WEEKDAYS: [&str; 7] =
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// `(value, words)` choices with words from i18n keys, in order.
fn choices(
    i: I18n,
    pairs: &'static [(&'static str, &'static str)],
) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || pairs.iter().map(|(v, key)| ((*v).to_owned(), i.t(key))).collect())
}

/// The members as choices, "choose…" first.
fn member_choices(i: I18n) -> Signal<Vec<(String, String)>> {
    let ctx = use_ctx();
    Signal::derive(move || {
        let mut choices = vec![(String::new(), i.t("choose"))];
        ctx.live.with(|live| {
            choices.extend(live.members.iter().map(|m| (m.member_id.to_string(), m.name.clone())));
        });
        choices
    })
}

fn trimmed(value: RwSignal<String>) -> String {
    value.get_untracked().trim().to_owned()
}

/// A member id, or `null` for "none".
fn member_or_null(value: RwSignal<String>) -> Value {
    Some(trimmed(value)).filter(|id| !id.is_empty()).map_or(Value::Null, Value::String)
}

/// A labelled text area.
#[component]
fn TextArea(id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="field">
            <label for=id>{move || i.t(label)}</label>
            <textarea id=id rows="3" prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        </div>
    }
}

/// A labelled checkbox.
#[component]
fn Check(id: &'static str, label: &'static str, value: RwSignal<bool>) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="field check">
            <input id=id type="checkbox" prop:checked=move || value.get()
                on:change=move |ev| value.set(event_target_checked(&ev)) />
            <label for=id>{move || i.t(label)}</label>
        </div>
    }
}

/// Role cards, for the coordinator. Rotation is a handover (a new term, a note for the next
/// holder), never an edit of the holder.
#[component]
pub fn RoleCardForm(roster: Signal<Option<RosterView>>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let action = RwSignal::new("hand_over".to_owned());
    let card = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let tasks = RwSignal::new(String::new());
    let critical = RwSignal::new(false);
    let member = RwSignal::new(String::new());
    let backup = RwSignal::new(String::new());
    let term = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let reach = RwSignal::new(String::new());
    let actions = choices(
        i,
        &[
            ("hand_over", "roles.hand_over"),
            ("assign", "roles.assign"),
            ("renew", "roles.renew"),
            ("backup", "roles.set_backup"),
            ("end", "roles.end"),
            ("erase_contact", "roles.erase_contact"),
            ("define", "roles.define"),
        ],
    );
    let cards = Memo::new(move |_| {
        roster.with(|r| {
            r.iter()
                .flat_map(|view| &view.role_cards)
                .map(|c| (c.role_card_id.to_string(), c.title.clone(), c.holder.is_some()))
                .collect::<Vec<_>>()
        })
    });
    // Vacant cards to give, held cards for everything else.
    let card_choices = Signal::derive(move || {
        let wants_vacant = action.get() == "assign";
        let mut list = vec![(String::new(), i.t("choose"))];
        cards.with(|cards| {
            list.extend(
                cards
                    .iter()
                    .filter(|(_, _, held)| {
                        *held != wants_vacant
                            || matches!(action.get().as_str(), "backup" | "erase_contact")
                    })
                    .map(|(id, title, _)| (id.clone(), title.clone())),
            );
        });
        list
    });
    let members = member_choices(i);
    let is = move |wanted: &'static [&'static str]| wanted.contains(&action.get().as_str());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let action = action.get_untracked();
        let term_day = parse_date(&term.get_untracked());
        if matches!(action.as_str(), "assign" | "hand_over" | "renew") && term_day.is_none() {
            return ctx.outbox.error(i.t("form.bad_date"));
        }
        let card = trimmed(card);
        if action != "define" && card.is_empty() {
            return ctx.outbox.error(i.t("roles.choose_card"));
        }
        // How the group reaches the new holder in this role: sealed by the server.
        let contact = if trimmed(phone).is_empty() && trimmed(reach).is_empty() {
            Value::Null
        } else {
            json!({"name": "", "phone": trimmed(phone), "address": "", "notes": trimmed(reach)})
        };
        let command = match action.as_str() {
            "define" => {
                let tasks = tasks.get_untracked();
                let key_tasks: Vec<&str> =
                    tasks.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
                json!({"type": "DefineRoleCard", "role_card_id": new_id("role"), "title": trimmed(title),
                       "key_tasks": key_tasks, "critical": critical.get_untracked()})
            }
            "assign" => {
                json!({"type": "AssignRole", "role_card_id": card, "member_id": trimmed(member),
                               "backup_id": member_or_null(backup), "term_ends_on_day": term_day,
                               "contact": contact})
            }
            "hand_over" => {
                json!({"type": "HandOverRole", "role_card_id": card, "to_member_id": trimmed(member),
                                  "backup_id": member_or_null(backup), "term_ends_on_day": term_day,
                                  "note": trimmed(note), "contact": contact})
            }
            "renew" => {
                json!({"type": "RenewRoleTerm", "role_card_id": card, "term_ends_on_day": term_day})
            }
            "backup" => {
                json!({"type": "SetRoleBackup", "role_card_id": card, "backup_id": member_or_null(backup)})
            }
            "erase_contact" => json!({"type": "EraseRoleContact", "role_card_id": card,
                                      "member_id": trimmed(member), "reason": trimmed(note)}),
            _ => json!({"type": "EndRole", "role_card_id": card, "reason": trimmed(note)}),
        };
        ctx.send(i.t("roles.label"), &command);
        note.set(String::new());
        phone.set(String::new());
        reach.set(String::new());
    };
    view! {
        <details class="manage" data-testid="role-card-form">
            <summary>{move || i.t("roles.manage")}</summary>
            <form class="stacked" on:submit=submit>
                <Choice id="role-action" label="roles.action" options=actions value=action />
                {move || (!is(&["define"])).then(|| view! { <Choice id="role-card" label="people.role" options=card_choices value=card /> })}
                {move || is(&["define"]).then(|| view! {
                    <Field id="role-title" label="roles.title" value=title required=true />
                    <TextArea id="role-tasks" label="roles.tasks" value=tasks />
                    <Check id="role-critical" label="roles.critical" value=critical />
                })}
                {move || is(&["assign", "hand_over", "erase_contact"]).then(|| view! { <Choice id="role-member" label="people.holder" options=members value=member /> })}
                {move || is(&["assign", "hand_over", "backup"]).then(|| view! { <Choice id="role-backup" label="people.backup" options=members value=backup /> })}
                {move || is(&["assign", "hand_over", "renew"]).then(|| view! { <Field id="role-term" label="people.term_ends" value=term kind="date" /> })}
                {move || is(&["assign", "hand_over"]).then(|| view! {
                    <Field id="role-phone" label="roles.contact_phone" value=phone kind="tel" />
                    <Field id="role-reach" label="roles.contact_notes" value=reach />
                })}
                {move || is(&["hand_over", "end", "erase_contact"]).then(|| view! { <TextArea id="role-note" label="roles.note" value=note /> })}
                <button type="submit">{move || i.t("roles.submit")}</button>
            </form>
        </details>
    }
}

/// The group's one-page agreement and its review date.
#[component]
pub fn AgreementSection(view: RosterView) -> impl IntoView {
    let i = use_i18n();
    let today = day_of(view.now_ms);
    let shown = match view.agreement {
        None => view! { <p class="empty">{i.t("agreement.none")}</p> }.into_any(),
        Some(a) => {
            let due = a.review_due(today);
            let section = |key: &'static str, body: String| view! { <h3>{i.t(key)}</h3> <p class="agreement-text">{body}</p> };
            view! {
                <p class="hint" data-testid="agreement-version">
                    {i.tf("agreement.version", &[("n", &a.version.to_string()), ("adopted", &date_label(a.adopted_on_day)), ("changed", &date_label(a.changed_on_day))])}
                </p>
                <p class:warning=due data-testid="agreement-review">{i.tf("agreement.review_on", &[("date", &date_label(a.review_on_day))])}</p>
                {section("agreement.membership", a.text.membership)}
                {section("agreement.commitments", a.text.commitments)}
                {section("agreement.communication", a.text.communication)}
                {section("agreement.boundaries", a.text.boundaries)}
            }
            .into_any()
        }
    };
    view! {
        <section class="agreement" data-testid="agreement">
            <h2>{i.t("agreement.title")}</h2>
            {shown}
        </section>
    }
}

/// For the coordinator: adopt the agreement, change it (with a reason) or record a review.
/// Made again only when a new version arrives, so a half-typed change survives other news.
#[component]
pub fn AgreementForm(roster: Signal<Option<RosterView>>) -> impl IntoView {
    let version = Memo::new(move |_| {
        roster.with(|r| r.as_ref().and_then(|v| v.agreement.as_ref().map(|a| a.version)))
    });
    move || {
        let _ = version.get();
        let agreement = roster.with_untracked(|r| r.as_ref().and_then(|v| v.agreement.clone()));
        view! { <AgreementEditor agreement=agreement /> }
    }
}

#[component]
fn AgreementEditor(agreement: Option<shared::people::Agreement>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let text = |f: fn(&shared::people::AgreementText) -> &String| {
        agreement.as_ref().map(|a| f(&a.text).clone()).unwrap_or_default()
    };
    let membership = RwSignal::new(text(|t| &t.membership));
    let commitments = RwSignal::new(text(|t| &t.commitments));
    let communication = RwSignal::new(text(|t| &t.communication));
    let boundaries = RwSignal::new(text(|t| &t.boundaries));
    let reason = RwSignal::new(String::new());
    let next_review = RwSignal::new(String::new());
    let review_note = RwSignal::new(String::new());
    let adopted = agreement.is_some();
    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = json!({"membership": trimmed(membership), "commitments": trimmed(commitments),
                          "communication": trimmed(communication), "boundaries": trimmed(boundaries)});
        let command = if adopted {
            json!({"type": "ChangeAgreement", "text": text, "reason": trimmed(reason)})
        } else {
            json!({"type": "AdoptAgreement", "text": text})
        };
        ctx.send(i.t("agreement.label"), &command);
    };
    let review = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(day) = parse_date(&next_review.get_untracked()) else {
            return ctx.outbox.error(i.t("form.bad_date"));
        };
        let command = json!({"type": "ReviewAgreement", "next_review_on_day": day, "note": trimmed(review_note)});
        ctx.send(i.t("agreement.review"), &command);
    };
    view! {
        <details class="manage print-hide" data-testid="agreement-manage">
            <summary>{i.t(if adopted { "agreement.change" } else { "agreement.adopt" })}</summary>
            <form class="stacked" data-testid="agreement-form" on:submit=change>
                <TextArea id="agreement-membership" label="agreement.membership" value=membership />
                <TextArea id="agreement-commitments" label="agreement.commitments" value=commitments />
                <TextArea id="agreement-communication" label="agreement.communication" value=communication />
                <TextArea id="agreement-boundaries" label="agreement.boundaries" value=boundaries />
                {adopted.then(|| view! { <Field id="agreement-reason" label="agreement.reason" value=reason required=true /> })}
                <button type="submit">{i.t("roles.submit")}</button>
            </form>
            {adopted.then(|| view! {
                <form class="stacked" data-testid="review-form" on:submit=review>
                    <Field id="review-next" label="agreement.next_review" value=next_review kind="date" />
                    <Field id="review-note" label="agreement.review_note" value=review_note />
                    <button type="submit">{i.t("agreement.review")}</button>
                </form>
            })}
        </details>
    }
}

/// Everyone's skills; a member records and removes their own (a coordinator anyone's).
#[component]
pub fn SkillsSection(view: RosterView) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let me = ctx.my_id();
    let today = day_of(view.now_ms);
    let anyone = ctx.has_role(Role::Coordinator);
    let rows = ctx.live.with_untracked(|live| {
        view.skills
            .iter()
            .filter(|(_, skills)| !skills.is_empty())
            .map(|(member_id, skills)| {
                let own = *member_id == me || anyone;
                let entries = skills
                    .iter()
                    .map(|entry| {
                        let skill = entry.get("skill").cloned().unwrap_or(Value::Null);
                        let expires = entry.get("expires_on_day").and_then(Value::as_i64);
                        let expired = expires.is_some_and(|d| d < today);
                        let until = expires.map(|d| format!(" ({})", i.tf("skills.until", &[("date", &date_label(d))])));
                        let command = StoredValue::new(json!({"type": "RemoveSkill", "member_id": member_id, "skill": skill}));
                        let remove = (own && ctx.may("RemoveSkill")).then(|| view! {
                            <button type="button" class="link" on:click=move |_| command.with_value(|c| ctx.send(i.t("skills.remove"), c))>
                                {i.t("skills.remove")}
                            </button>
                        });
                        view! { <li class:ended=expired>{skill_words(i, &skill)} {until} " " {remove}</li> }
                    })
                    .collect_view();
                view! {
                    <tr data-testid="skills-row">
                        <th scope="row">{live.member_name(member_id).to_owned()}</th>
                        <td><ul class="plain">{entries}</ul></td>
                    </tr>
                }
            })
            .collect_view()
    });
    view! {
        <section data-testid="skills">
            <h2>{i.t("skills.title")}</h2>
            <div class="table-wrap"><table><tbody>{rows}</tbody></table></div>
        </section>
    }
}

/// Records a skill: one's own, or (for a coordinator) anyone's.
#[component]
pub fn SkillForm() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let me = ctx.my_id();
    let anyone = ctx.has_role(Role::Coordinator);
    let kind = RwSignal::new("language".to_owned());
    let detail = RwSignal::new(String::new());
    let vehicle = RwSignal::new(false);
    let expires = RwSignal::new(String::new());
    let member = RwSignal::new(me.clone());
    let kinds = choices(
        i,
        &[
            ("language", "skills.kind_language"),
            ("cpr", "skill.cpr"),
            ("first_aid", "skill.first_aid"),
            ("trade", "skills.kind_trade"),
            ("driving", "skill.driving"),
            ("food_hygiene", "skill.food_hygiene"),
            ("other", "skills.kind_other"),
        ],
    );
    let members = member_choices(i);
    let needs_detail = move || matches!(kind.get().as_str(), "language" | "trade" | "other");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let kind = kind.get_untracked();
        let mut skill = json!({"kind": kind});
        match kind.as_str() {
            "language" => skill["language"] = json!(trimmed(detail)),
            "trade" => skill["trade"] = json!(trimmed(detail)),
            "other" => skill["name"] = json!(trimmed(detail)),
            "driving" => skill["has_vehicle"] = json!(vehicle.get_untracked()),
            _ => {}
        }
        let expires = parse_date(&expires.get_untracked());
        let command = json!({"type": "RecordSkill", "member_id": trimmed(member), "skill": skill, "expires_on_day": expires});
        ctx.send(i.t("skills.record"), &command);
        detail.set(String::new());
    };
    view! {
        <details class="manage" data-testid="skill-manage">
            <summary>{i.t("skills.record")}</summary>
            <form class="stacked" data-testid="skill-form" on:submit=submit>
                {anyone.then(|| view! { <Choice id="skill-member" label="people.member" options=members value=member /> })}
                <Choice id="skill-kind" label="skills.kind" options=kinds value=kind />
                {move || needs_detail().then(|| view! { <Field id="skill-detail" label="skills.detail" value=detail required=true /> })}
                {move || (kind.get() == "driving").then(|| view! { <Check id="skill-vehicle" label="skills.vehicle" value=vehicle /> })}
                <Field id="skill-expires" label="skills.expires" value=expires kind="date" />
                <button type="submit">{i.t("skills.record")}</button>
            </form>
        </details>
    }
}

/// A commitment's rhythm in words: "Every Tuesday", "Every 2 weeks on Tuesday",
/// "Saturday no. 1 of each month".
pub fn recurrence_words(i: I18n, recurrence: &Value) -> String {
    let weekday = recurrence.get("weekday").and_then(Value::as_str).unwrap_or_default();
    let weekday = i.t(&format!("weekday.{weekday}"));
    let number = |f: &str| recurrence.get(f).and_then(Value::as_u64).unwrap_or(1).to_string();
    match recurrence.get("every").and_then(Value::as_str) {
        Some("month") => i.tf("commit.monthly", &[("weekday", &weekday), ("nth", &number("nth"))]),
        _ if number("interval_weeks") == "1" => i.tf("commit.weekly", &[("weekday", &weekday)]),
        _ => i.tf("commit.every_weeks", &[("weekday", &weekday), ("n", &number("interval_weeks"))]),
    }
}

fn field(value: &Value, name: &str) -> String {
    value.get(name).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// Recurring, specific commitments: who, what, when, how long.
#[component]
pub fn CommitmentsSection(view: RosterView) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let rows = ctx.live.with_untracked(|live| {
        view.commitments
            .iter()
            .map(|c| {
                let minutes = c.get("minutes").and_then(Value::as_i64).unwrap_or_default();
                let rhythm = recurrence_words(i, c.get("recurrence").unwrap_or(&Value::Null));
                view! {
                    <tr data-testid="commitment">
                        <th scope="row">{live.member_name(&field(c, "member_id")).to_owned()}</th>
                        <td>{field(c, "task")}</td>
                        <td>{rhythm}</td>
                        <td>{hours(minutes)}</td>
                    </tr>
                }
            })
            .collect_view()
    });
    view! {
        <section data-testid="commitments">
            <h2>{i.t("commit.title")}</h2>
            <div class="table-wrap"><table><tbody>{rows}</tbody></table></div>
        </section>
    }
}

/// A member makes a commitment of their own, or ends one with a reason.
#[component]
pub fn CommitmentForm(roster: Signal<Option<RosterView>>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let me = ctx.my_id();
    let mine = Memo::new(move |_| {
        roster.with(|r| {
            r.iter()
                .flat_map(|view| &view.commitments)
                .filter(|c| field(c, "member_id") == me)
                .map(|c| (field(c, "commitment_id"), field(c, "task")))
                .collect::<Vec<_>>()
        })
    });
    let task = RwSignal::new(String::new());
    let every = RwSignal::new("1".to_owned());
    let weekday = RwSignal::new("tuesday".to_owned());
    let minutes = RwSignal::new("120".to_owned());
    let ending = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let rhythms = choices(
        i,
        &[
            ("1", "commit.every_week"),
            ("2", "commit.every_2_weeks"),
            ("4", "commit.every_4_weeks"),
            ("m1", "commit.first_of_month"),
            ("m2", "commit.second_of_month"),
            ("m3", "commit.third_of_month"),
            ("m4", "commit.fourth_of_month"),
        ],
    );
    let weekdays = Signal::derive(move || {
        WEEKDAYS.iter().map(|d| ((*d).to_owned(), i.t(&format!("weekday.{d}")))).collect()
    });
    let end_choices = Signal::derive(move || {
        let mut list = vec![(String::new(), i.t("choose"))];
        mine.with(|mine| list.extend(mine.iter().cloned()));
        list
    });
    let make = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(minutes) = minutes.get_untracked().trim().parse::<u32>().ok().filter(|m| *m > 0)
        else {
            return ctx.outbox.error(i.t("commit.bad_minutes"));
        };
        let every = every.get_untracked();
        let recurrence = match every.strip_prefix('m') {
            Some(nth) => {
                json!({"every": "month", "weekday": weekday.get_untracked(), "nth": nth.parse::<u32>().unwrap_or(1)})
            }
            None => {
                json!({"every": "week", "weekday": weekday.get_untracked(), "interval_weeks": every.parse::<u32>().unwrap_or(1)})
            }
        };
        let command = json!({"type": "MakeCommitment", "commitment_id": new_id("commit"), "member_id": ctx.my_id(),
                             "task": trimmed(task), "recurrence": recurrence, "minutes": minutes,
                             "starts_on_day": day_of(ctx.now.get_untracked())});
        ctx.send(i.t("commit.make"), &command);
        task.set(String::new());
    };
    let end = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let command = json!({"type": "EndCommitment", "commitment_id": trimmed(ending), "reason": trimmed(reason)});
        ctx.send(i.t("commit.end"), &command);
        reason.set(String::new());
    };
    view! {
        <details class="manage" data-testid="commitment-manage">
            <summary>{i.t("commit.make")}</summary>
            <form class="stacked" data-testid="commitment-form" on:submit=make>
                <Field id="commit-task" label="commit.task" value=task required=true />
                <Choice id="commit-every" label="commit.rhythm" options=rhythms value=every />
                <Choice id="commit-weekday" label="commit.weekday" options=weekdays value=weekday />
                <Field id="commit-minutes" label="commit.minutes" value=minutes kind="number" />
                <button type="submit">{i.t("commit.make")}</button>
            </form>
            {move || mine.with(|m| !m.is_empty()).then(|| view! {
                <form class="stacked" data-testid="end-commitment-form" on:submit=end>
                    <Choice id="commit-end" label="commit.which" options=end_choices value=ending />
                    <Field id="commit-reason" label="commit.reason" value=reason required=true />
                    <button type="submit">{i.t("commit.end")}</button>
                </form>
            })}
        </details>
    }
}

/// For the coordinator: how long a household with no open request is remembered before
/// the server erases it automatically (empty: never, the default).
#[component]
pub fn RetentionForm(roster: Signal<Option<RosterView>>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let current = Memo::new(move |_| {
        roster.with(|r| r.as_ref().and_then(|v| v.limits.household_retention_days))
    });
    let days = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = trimmed(days);
        let days = if text.is_empty() {
            Value::Null
        } else if let Ok(days) = text.parse::<u32>() {
            json!(days)
        } else {
            return ctx.outbox.error(i.t("retention.bad_days"));
        };
        ctx.send(i.t("retention.label"), &json!({"type": "SetHouseholdRetention", "days": days}));
    };
    view! {
        <details class="manage" data-testid="retention">
            <summary>{move || i.t("retention.title")}</summary>
            <p data-testid="retention-now">{move || match current.get() {
                Some(days) => i.tf("retention.now", &[("days", &days.to_string())]),
                None => i.t("retention.off"),
            }}</p>
            <form class="stacked" on:submit=submit>
                <Field id="retention-days" label="retention.days" value=days kind="number" />
                <button type="submit">{move || i.t("roles.submit")}</button>
            </form>
        </details>
    }
}

/// "HH:MM" on day `day` as milliseconds (UTC, like every time on the screens).
fn at_time(day: i64, time: &str) -> Option<i64> {
    let (h, m) = time.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then(|| day * 86_400_000 + (h * 60 + m) * 60_000)
}

/// For coordinators and logistics: plan a shift; correct a member's times on one (from the
/// paper sheet, with a reason); record that someone who signed up did not come.
#[component]
pub fn ShiftAdmin(roster: Signal<Option<RosterView>>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let task = RwSignal::new(String::new());
    let date = RwSignal::new(date_label(day_of(ctx.now.get_untracked())));
    let from = RwSignal::new("09:00".to_owned());
    let to = RwSignal::new("13:00".to_owned());
    let needed = RwSignal::new("2".to_owned());
    let shift = RwSignal::new(String::new());
    let member = RwSignal::new(String::new());
    let checked_in = RwSignal::new(String::new());
    let checked_out = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let shifts = Memo::new(move |_| {
        roster.with(|r| {
            let Some(view) = r else { return Vec::new() };
            let now = view.now_ms;
            view.shifts
                .iter()
                .filter(|s| !s.cancelled && s.starts_at_ms <= now)
                .rev()
                .take(20)
                .map(|s| {
                    let label = format!(
                        "{} · {} {}",
                        s.task,
                        date_label(day_of(s.starts_at_ms)),
                        clock(s.starts_at_ms)
                    );
                    // Who signed up, and whether their times are in: an absence is recorded
                    // for someone with none, once the shift is over.
                    let people: Vec<(String, &'static str)> = s
                        .signed_up
                        .iter()
                        .map(|m| {
                            let state = if s.absent.contains(m) {
                                "shifts.did_not_come"
                            } else if s.attendance.contains_key(m) {
                                ""
                            } else {
                                "shifts.no_times"
                            };
                            (m.to_string(), state)
                        })
                        .collect();
                    (s.shift_id.to_string(), label, people, day_of(s.starts_at_ms))
                })
                .collect::<Vec<_>>()
        })
    });
    let shift_choices = Signal::derive(move || {
        let mut list = vec![(String::new(), i.t("choose"))];
        shifts.with(|s| list.extend(s.iter().map(|(id, label, _, _)| (id.clone(), label.clone()))));
        list
    });
    let people = Signal::derive(move || {
        let chosen = shift.get();
        let mut list = vec![(String::new(), i.t("choose"))];
        ctx.live.with(|live| {
            shifts.with(|s| {
                if let Some((_, _, people, _)) = s.iter().find(|(id, ..)| *id == chosen) {
                    list.extend(people.iter().map(|(m, state)| {
                        let name = live.member_name(m);
                        let label = if state.is_empty() {
                            name.to_owned()
                        } else {
                            format!("{name} — {}", i.t(state))
                        };
                        (m.clone(), label)
                    }));
                }
            });
        });
        list
    });
    let plan = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let day = parse_date(&date.get_untracked());
        let times = day.and_then(|d| {
            Some((at_time(d, &from.get_untracked())?, at_time(d, &to.get_untracked())?))
        });
        let (Some((starts, ends)), Ok(needed)) =
            (times, needed.get_untracked().trim().parse::<u32>())
        else {
            return ctx.outbox.error(i.t("shifts.bad_times"));
        };
        let command = json!({"type": "PlanShift", "shift_id": new_id("shift"), "task": trimmed(task),
                             "starts_at_ms": starts, "ends_at_ms": ends, "people_needed": needed});
        ctx.send(i.t("shifts.plan"), &command);
        task.set(String::new());
    };
    let on_shift = move || {
        let chosen = shift.get_untracked();
        let day = shifts
            .with_untracked(|s| s.iter().find(|(id, ..)| *id == chosen).map(|(.., day)| *day));
        Some((chosen, trimmed(member), day?)).filter(|(_, m, _)| !m.is_empty())
    };
    let correct = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((shift_id, member_id, day)) = on_shift() else {
            return ctx.outbox.error(i.t("shifts.choose"));
        };
        let (Some(start), Some(end)) =
            (at_time(day, &checked_in.get_untracked()), at_time(day, &checked_out.get_untracked()))
        else {
            return ctx.outbox.error(i.t("shifts.bad_times"));
        };
        let command = json!({"type": "CorrectShiftTimes", "shift_id": shift_id, "member_id": member_id,
                             "checked_in_at_ms": start, "checked_out_at_ms": end, "reason": trimmed(reason)});
        ctx.send(i.t("shifts.correct"), &command);
    };
    let absent = move |_: leptos::ev::MouseEvent| {
        let Some((shift_id, member_id, _)) = on_shift() else {
            return ctx.outbox.error(i.t("shifts.choose"));
        };
        let command =
            json!({"type": "RecordShiftAbsence", "shift_id": shift_id, "member_id": member_id});
        ctx.send(i.t("shifts.absent"), &command);
    };
    view! {
        <details class="manage" data-testid="shift-admin">
            <summary>{i.t("shifts.manage")}</summary>
            <form class="stacked" data-testid="plan-shift-form" on:submit=plan>
                <h3>{i.t("shifts.plan")}</h3>
                <Field id="plan-task" label="commit.task" value=task required=true />
                <Field id="plan-date" label="ledger.date" value=date kind="date" />
                <Field id="plan-from" label="shifts.from" value=from kind="time" />
                <Field id="plan-to" label="shifts.to" value=to kind="time" />
                <Field id="plan-needed" label="shifts.needed" value=needed kind="number" />
                <button type="submit">{i.t("shifts.plan")}</button>
            </form>
            <form class="stacked" data-testid="correct-shift-form" on:submit=correct>
                <h3>{i.t("shifts.correct")}</h3>
                <Choice id="correct-shift" label="people.shifts" options=shift_choices value=shift />
                <Choice id="correct-member" label="people.member" options=people value=member />
                <Field id="correct-in" label="shifts.checked_in" value=checked_in kind="time" />
                <Field id="correct-out" label="shifts.checked_out" value=checked_out kind="time" />
                <Field id="correct-reason" label="shifts.reason" value=reason required=true />
                <div class="buttons">
                    <button type="submit">{i.t("shifts.correct")}</button>
                    <button type="button" class="secondary" data-testid="record-absence" on:click=absent>{i.t("shifts.absent")}</button>
                </div>
            </form>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_times_are_read_as_hours_and_minutes_of_the_day() {
        crate::i18n::loaded();
        assert_eq!(at_time(1, "09:30"), Some(86_400_000 + 570 * 60_000));
        assert_eq!(at_time(0, "24:00"), None);
        assert_eq!(at_time(0, "9"), None);
    }

    #[test]
    fn every_word_these_forms_choose_at_run_time_exists() {
        crate::i18n::loaded();
        use crate::i18n::Lang;
        let mut keys: Vec<String> = WEEKDAYS.iter().map(|d| format!("weekday.{d}")).collect();
        keys.extend(
            [
                "roles.hand_over",
                "roles.assign",
                "roles.renew",
                "roles.set_backup",
                "roles.end",
                "roles.define",
                "skills.kind_language",
                "skills.kind_trade",
                "skills.kind_other",
                "commit.every_week",
                "commit.every_2_weeks",
                "commit.every_4_weeks",
                "commit.first_of_month",
                "commit.second_of_month",
                "commit.third_of_month",
                "commit.fourth_of_month",
                "agreement.change",
                "agreement.adopt",
            ]
            .map(str::to_owned),
        );
        for lang in Lang::ALL {
            for key in &keys {
                assert!(!lang.text(key).is_empty(), "{}: {key}", lang.tag());
            }
        }
    }

    #[test]
    fn rhythms_read_as_words() {
        crate::i18n::loaded();
        use crate::i18n::Lang;
        let owner = Owner::new();
        owner.set();
        let i = I18n { lang: RwSignal::new(Lang::En) };
        let weekly = json!({"every": "week", "weekday": "tuesday", "interval_weeks": 1});
        assert_eq!(recurrence_words(i, &weekly), "Every Tuesday");
        let fortnightly = json!({"every": "week", "weekday": "tuesday", "interval_weeks": 2});
        assert_eq!(recurrence_words(i, &fortnightly), "Every 2 weeks on Tuesday");
        let monthly = json!({"every": "month", "weekday": "saturday", "nth": 1});
        assert_eq!(recurrence_words(i, &monthly), "Saturday no. 1 of each month");
    }
}
