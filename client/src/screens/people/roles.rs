//! Role cards: the table of who holds what until when, with a backup; how to reach a holder
//! in that role; and for the coordinator, defining, giving, handing over, renewing and
//! ending them. Rotation is a handover (a new term, a note for the next holder), never an
//! edit of the holder.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::access::Role;
use shared::people::Command;
use shared::personal::PersonalData;
use shared::view::{RoleContact, RosterView};

use crate::api::{self, Failure};
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::{Action, new_id};
use crate::ui::form::{ActionForm, Check, Choice, Field, TextArea};
use crate::ui::{choices, format, words};

#[component]
pub fn RoleCards(view: RosterView) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let at_work = !ctx.me.with_value(|me| me.roles.iter().all(|r| *r == Role::Auditor));
    let today = format::day_of(view.now_ms);
    let rows = ctx.live.with_untracked(|live| {
        view.role_cards
            .iter()
            .map(|card| {
                let holder = card.holder.as_ref().map(|h| live.member_name(h.member_id.as_str()).to_owned());
                let term = card.holder.as_ref().map(|h| h.term_ends_on_day);
                let ended = term.is_some_and(|t| t < today);
                let backup = card.backup_id.as_ref().map_or_else(|| i.t("people.none"), |b| live.member_name(b.as_str()).to_owned());
                view! {
                    <tr data-testid="role-card">
                        <th scope="row">{card.title.clone()} {card.critical.then(|| view! { <span class="critical">" · " {i.t("people.critical")}</span> })}
                            <div class="hint">{card.key_tasks.join(" · ")}</div></th>
                        <td>{holder.unwrap_or_else(|| i.t("people.vacant"))}</td>
                        <td class:ended=ended>{term.map(|d| words::date(i, d))} {ended.then(|| format!(" ({})", i.t("people.ended")))}</td>
                        <td>{backup}</td>
                        <td>{card.handovers}</td>
                        <td>{(card.holder.is_some() && at_work).then(|| view! { <RoleContactButton role_card_id=card.role_card_id.to_string() /> })}</td>
                    </tr>
                }
            })
            .collect_view()
    });
    view! {
        <section data-testid="role-cards">
            <h2>{i.t("people.role_cards")}</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th scope="col">{i.t("people.role")}</th>
                        <th scope="col">{i.t("people.holder")}</th>
                        <th scope="col">{i.t("people.term_ends")}</th>
                        <th scope="col">{i.t("people.backup")}</th>
                        <th scope="col">{i.t("people.handovers")}</th>
                        <th scope="col">{i.t("roles.contact")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// How to reach a role's holder, fetched when asked for (`/api/roles/{id}/contact`).
#[component]
fn RoleContactButton(role_card_id: String) -> impl IntoView {
    let i = use_i18n();
    let shown = RwSignal::new(None::<Result<RoleContact, Failure>>);
    let path = format!("/api/roles/{}/contact", js_sys::encode_uri_component(&role_card_id));
    let open = move |_| {
        let path = path.clone();
        spawn_local(async move {
            shown.try_set(Some(api::get_json::<RoleContact>(&path).await));
        });
    };
    move || {
        match shown.get() {
        None => view! {
            <button type="button" class="link" data-testid="role-contact" on:click=open.clone()>{i.t("roles.show_contact")}</button>
        }.into_any(),
        Some(Ok(answer)) => {
            let data = answer.personal_data.unwrap_or_default();
            let told: Vec<String> = [data.name, data.phone, data.address, data.notes]
                .into_iter()
                .filter(|v| !v.is_empty())
                .collect();
            let text = if told.is_empty() { i.t("roles.no_contact") } else { told.join(" · ") };
            view! { <span data-testid="role-contact-shown">{text}</span> }.into_any()
        }
        Some(Err(failure)) => view! { <span class="error">{words::failure(i, failure)}</span> }.into_any(),
    }
    }
}

/// What the role card form holds when it is sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleChange {
    /// `define`, `assign`, `hand_over`, `renew`, `backup`, `erase_contact` or `end`.
    pub action: String,
    pub card: String,
    pub title: String,
    /// One task a line.
    pub tasks: String,
    pub critical: bool,
    pub member: String,
    pub backup: String,
    /// A date input's value.
    pub term: String,
    pub note: String,
    /// How the group reaches the new holder in this role: sealed by the server.
    pub phone: String,
    pub reach: String,
}

/// What the role card form sends.
pub fn role_change(i: I18n, change: &RoleChange) -> Result<Action, String> {
    let action = change.action.as_str();
    let term_day = format::parse_date(&change.term);
    let term = || term_day.ok_or_else(|| i.t("form.bad_date"));
    let card = change.card.trim();
    if action != "define" && card.is_empty() {
        return Err(i.t("roles.choose_card"));
    }
    let member = || change.member.trim().into();
    let backup = Some(change.backup.trim()).filter(|b| !b.is_empty()).map(Into::into);
    let note = change.note.trim().to_owned();
    let command = match action {
        "define" => Command::DefineRoleCard {
            role_card_id: new_id("role").as_str().into(),
            title: change.title.trim().to_owned(),
            key_tasks: change
                .tasks
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            critical: change.critical,
        },
        "assign" => Command::AssignRole {
            role_card_id: card.into(),
            member_id: member(),
            backup_id: backup,
            term_ends_on_day: term()?,
            contact: None,
        },
        "hand_over" => Command::HandOverRole {
            role_card_id: card.into(),
            to_member_id: member(),
            backup_id: backup,
            term_ends_on_day: term()?,
            note,
            contact: None,
        },
        "renew" => Command::RenewRoleTerm { role_card_id: card.into(), term_ends_on_day: term()? },
        "backup" => Command::SetRoleBackup { role_card_id: card.into(), backup_id: backup },
        "erase_contact" => Command::EraseRoleContact {
            role_card_id: card.into(),
            member_id: member(),
            reason: note,
        },
        _ => Command::EndRole { role_card_id: card.into(), reason: note },
    };
    let mut sent = Action::new(i.t("roles.label"), &command)?;
    let (phone, reach) = (change.phone.trim(), change.reach.trim());
    if !phone.is_empty() || !reach.is_empty() {
        let contact = PersonalData {
            phone: phone.to_owned(),
            notes: reach.to_owned(),
            ..PersonalData::default()
        };
        let kind = shared::kind::CommandKind::People(command.kind());
        sent.command = sent.command.with_personal_data(kind, &contact);
    }
    Ok(sent)
}

#[component]
pub fn RoleCardForm(roster: Signal<Option<RosterView>>) -> impl IntoView {
    let i = use_i18n();
    let action = RwSignal::new("hand_over".to_owned());
    let [card, title, tasks, member, backup, term, note, phone, reach] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let critical = RwSignal::new(false);
    let actions = choices::keyed(&[
        ("hand_over", "roles.hand_over"),
        ("assign", "roles.assign"),
        ("renew", "roles.renew"),
        ("backup", "roles.set_backup"),
        ("end", "roles.end"),
        ("erase_contact", "roles.erase_contact"),
        ("define", "roles.define"),
    ]);
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
        let chosen = action.get();
        let any = matches!(chosen.as_str(), "backup" | "erase_contact");
        let wants_vacant = chosen == "assign";
        let mut list = vec![(String::new(), i.t("choose"))];
        cards.with(|cards| {
            list.extend(
                cards
                    .iter()
                    .filter(|(_, _, held)| any || *held != wants_vacant)
                    .map(|(id, title, _)| (id.clone(), title.clone())),
            );
        });
        list
    });
    let members = choices::members();
    let is = move |wanted: &'static [&'static str]| wanted.contains(&action.get().as_str());
    let send = move || {
        role_change(
            i,
            &RoleChange {
                action: action.get_untracked(),
                card: card.get_untracked(),
                title: title.get_untracked(),
                tasks: tasks.get_untracked(),
                critical: critical.get_untracked(),
                member: member.get_untracked(),
                backup: backup.get_untracked(),
                term: term.get_untracked(),
                note: note.get_untracked(),
                phone: phone.get_untracked(),
                reach: reach.get_untracked(),
            },
        )
    };
    let on_done = Callback::new(move |()| {
        for field in [note, phone, reach] {
            field.set(String::new());
        }
    });
    view! {
        <details class="manage" data-testid="role-card-form">
            <summary>{move || i.t("roles.manage")}</summary>
            <ActionForm test_id="role-form" submit="roles.submit" action=send on_done=on_done>
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
            </ActionForm>
        </details>
    }
}
