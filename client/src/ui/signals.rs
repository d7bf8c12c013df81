//! The roster's signals in words (no backup, a term ended, too many roles or hours, a shift
//! short of people, an expired certificate, a review due): on the board's people panel and
//! on the people screen. The roster is read over HTTP and again on every people event.
//!
//! The board's panel is a part of its own, loaded on demand ([`panel`]): reading the roster
//! is most of what the people screen's module holds, and the board draws without it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::wasm_split;
use shared::people::{Signal, Skill};
use shared::view::RosterView;

use crate::api::{self, Failure};
use crate::ctx::use_ctx;
use crate::i18n::I18n;
use crate::live::Live;
use crate::ui::split::NotLoaded;
use crate::ui::{choices, format, words};

/// `/api/roster`, read again whenever the roster changes.
pub fn roster_resource() -> RwSignal<Option<Result<RosterView, Failure>>> {
    let ctx = use_ctx();
    let shown = RwSignal::new(None::<Result<RosterView, Failure>>);
    Effect::new(move || {
        let _ = ctx.live.with(|l| l.people_changes);
        spawn_local(async move {
            let answer = api::get_json::<RosterView>("/api/roster").await;
            shown.try_set(Some(answer));
        });
    });
    shown
}

/// The board's people panel: the first `most` signals, with "+N more", read again on
/// every people event.
#[wasm_split(signals, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_panel))]
pub fn panel(most: leptos::prelude::Signal<usize>) -> Result<AnyView, NotLoaded> {
    let (i, ctx) = (crate::i18n::use_i18n(), use_ctx());
    let roster = roster_resource();
    Ok(view! {
        {move || roster.get().map(|answer| match answer {
            Ok(view) => ctx.live.with(|l| list(i, l, &view, most.get())).into_any(),
            Err(failure) => view! { <p class="error">{words::failure(i, failure)}</p> }.into_any(),
        })}
    }
    .into_any())
}

/// A skill in words: "Speaks es", "CPR", "plumber".
pub fn skill(i: I18n, skill: &Skill) -> String {
    match skill {
        Skill::Language { language } => {
            i.tf("skill.language", &[("language", &choices::language_name(i, language))])
        }
        Skill::Cpr => i.t("skill.cpr"),
        Skill::FirstAid => i.t("skill.first_aid"),
        Skill::Trade { trade } => trade.clone(),
        Skill::Driving { .. } => i.t("skill.driving"),
        Skill::FoodHygiene => i.t("skill.food_hygiene"),
        Skill::Other { name } => name.clone(),
    }
}

/// The kind of a signal as CSS and tests name it: `no_backup`, `term_ended`, ...
pub fn kind(signal: &Signal) -> &'static str {
    match signal {
        Signal::NoBackup { .. } => "no_backup",
        Signal::Vacant { .. } => "vacant",
        Signal::TermEnded { .. } => "term_ended",
        Signal::TooManyRoles { .. } => "too_many_roles",
        Signal::TooManyHours { .. } => "too_many_hours",
        Signal::ShiftShortOfPeople { .. } => "shift_short_of_people",
        Signal::SkillExpired { .. } => "skill_expired",
        Signal::AgreementReviewDue { .. } => "agreement_review_due",
    }
}

/// A signal in plain words, with members and roles by name.
pub fn words(i: I18n, live: &Live, view: &RosterView, signal: &Signal) -> String {
    let role = |id: &str| {
        view.role_cards
            .iter()
            .find(|c| c.role_card_id.as_str() == id)
            .map_or(id.to_owned(), |c| c.title.clone())
    };
    let member = |id: &str| live.member_name(id).to_owned();
    match signal {
        Signal::NoBackup { role_card_id } => {
            i.tf("signal.no_backup", &[("role", &role(role_card_id.as_str()))])
        }
        Signal::Vacant { role_card_id } => {
            i.tf("signal.vacant", &[("role", &role(role_card_id.as_str()))])
        }
        Signal::TermEnded { role_card_id, member_id, term_ended_on_day } => i.tf(
            "signal.term_ended",
            &[
                ("member", &member(member_id.as_str())),
                ("role", &role(role_card_id.as_str())),
                ("date", &words::date(i, *term_ended_on_day)),
            ],
        ),
        Signal::TooManyRoles { member_id, roles_held, limit } => i.tf(
            "signal.too_many_roles",
            &[
                ("member", &member(member_id.as_str())),
                ("n", &roles_held.to_string()),
                ("limit", &limit.to_string()),
            ],
        ),
        Signal::TooManyHours { member_id, minutes_last_4_weeks, limit_minutes } => i.tf(
            "signal.too_many_hours",
            &[
                ("member", &member(member_id.as_str())),
                ("hours", &format::hours(*minutes_last_4_weeks)),
                ("limit", &format::hours(*limit_minutes)),
            ],
        ),
        Signal::ShiftShortOfPeople { shift_id, starts_at_ms, signed_up, people_needed } => {
            let task = view
                .shifts
                .iter()
                .find(|s| s.shift_id == *shift_id)
                .map_or(shift_id.to_string(), |s| s.task.clone());
            i.tf(
                "signal.shift_short",
                &[
                    ("task", &task),
                    ("date", &words::date(i, format::day_of(*starts_at_ms))),
                    ("time", &format::clock(*starts_at_ms)),
                    ("signed", &signed_up.to_string()),
                    ("needed", &people_needed.to_string()),
                ],
            )
        }
        Signal::SkillExpired { member_id, skill: expired, expired_on_day } => i.tf(
            "signal.skill_expired",
            &[
                ("member", &member(member_id.as_str())),
                ("skill", &skill(i, expired)),
                ("date", &words::date(i, *expired_on_day)),
            ],
        ),
        Signal::AgreementReviewDue { review_on_day } => {
            i.tf("signal.review_due", &[("date", &words::date(i, *review_on_day))])
        }
    }
}

/// The signals as a list; `most` cuts it (on the board), with "+N more".
pub fn list(i: I18n, live: &Live, view: &RosterView, most: usize) -> impl IntoView + use<> {
    if view.signals.is_empty() {
        return view! { <p class="empty">{i.t("people.no_signals")}</p> }.into_any();
    }
    let rows = view
        .signals
        .iter()
        .take(most)
        .map(
            |s| view! { <li data-testid="signal" data-kind=kind(s)>{words(i, live, view, s)}</li> },
        )
        .collect_view();
    view! { <ul class="signals">{rows} {words::more(i, view.signals.len(), most)}</ul> }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use shared::limits::GroupLimits;

    fn roster() -> RosterView {
        RosterView {
            now_ms: 0,
            limits: GroupLimits::default(),
            signals: Vec::new(),
            role_cards: Vec::new(),
            workloads: Vec::new(),
            shifts: Vec::new(),
            skills: Default::default(),
            agreement: None,
            commitments: Vec::new(),
            templates: Vec::new(),
        }
    }

    #[test]
    fn every_signal_reads_as_words_in_every_language() {
        crate::i18n::loaded();
        let owner = Owner::new();
        owner.set();
        let signals = [
            Signal::NoBackup { role_card_id: "finance".into() },
            Signal::Vacant { role_card_id: "finance".into() },
            Signal::TermEnded {
                role_card_id: "lead".into(),
                member_id: "ben".into(),
                term_ended_on_day: 1,
            },
            Signal::TooManyRoles { member_id: "chen".into(), roles_held: 3, limit: 2 },
            Signal::TooManyHours {
                member_id: "sam".into(),
                minutes_last_4_weeks: 2_520,
                limit_minutes: 2_400,
            },
            Signal::ShiftShortOfPeople {
                shift_id: "packing".into(),
                starts_at_ms: 0,
                signed_up: 1,
                people_needed: 4,
            },
            Signal::SkillExpired { member_id: "sam".into(), skill: Skill::Cpr, expired_on_day: 2 },
            Signal::AgreementReviewDue { review_on_day: 3 },
        ];
        let view = roster();
        for lang in Lang::ALL {
            let i = I18n { lang: RwSignal::new(lang) };
            for signal in &signals {
                let text = words(i, &Live::default(), &view, signal);
                assert!(!text.contains('{') && !text.contains("signal."), "{}: {text}", lang.tag());
            }
        }
        let english = I18n { lang: RwSignal::new(Lang::En) };
        assert_eq!(
            words(english, &Live::default(), &view, &signals[4]),
            "sam worked 42 h 00 in the last 4 weeks; the group's limit is 40 h 00."
        );
    }
}
