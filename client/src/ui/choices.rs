//! Choices for selects from what the group has registered: items, locations, partners,
//! members. Each list follows the live log and starts with an empty "choose…" line.

use leptos::prelude::*;
use shared::access::Role;

use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::ui::form::Choices;

/// `list` with "choose…" first.
fn with_blank(i: I18n, mut list: Choices) -> Choices {
    list.insert(0, (String::new(), i.t("choose")));
    list
}

/// The languages households and volunteers most often speak in the groups we know, by
/// their BCP 47 tag; each is named in the page's language (`language.ar` = "Arabic").
pub const LANGUAGES: [&str; 16] = [
    "en", "es", "fr", "pt", "ar", "zh", "vi", "ru", "uk", "pl", "ht", "so", "am", "fa", "tl", "bn",
];

/// A language's name in the page's language; the tag itself for one not in [`LANGUAGES`].
pub fn language_name(i: I18n, tag: &str) -> String {
    let name = i.lang.get().text(&format!("language.{}", tag.trim().to_ascii_lowercase()));
    if name.is_empty() { tag.to_owned() } else { name.to_owned() }
}

/// [`LANGUAGES`] by name, "choose…" first.
pub fn languages() -> Signal<Choices> {
    let i = use_i18n();
    Signal::derive(move || {
        let mut list: Choices =
            LANGUAGES.iter().map(|tag| ((*tag).to_owned(), language_name(i, tag))).collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        with_blank(i, list)
    })
}

/// The group's zones, in the order listed, "choose…" first; empty while none are listed.
pub fn zones() -> Signal<Choices> {
    let (i, ctx) = (use_i18n(), use_ctx());
    Signal::derive(move || {
        let zones: Choices = ctx
            .live
            .with(|live| live.board.zones.iter().map(|z| (z.to_string(), z.to_string())).collect());
        if zones.is_empty() { zones } else { with_blank(i, zones) }
    })
}

/// The items, by name with their unit.
pub fn items() -> Signal<Choices> {
    let (i, ctx) = (use_i18n(), use_ctx());
    Signal::derive(move || {
        let mut items: Choices = ctx.live.with(|live| {
            live.board
                .stock
                .items
                .iter()
                .filter(|(_, item)| !item.name.is_empty())
                .map(|(id, item)| (id.to_string(), format!("{} ({})", item.name, item.unit)))
                .collect()
        });
        items.sort_by(|a, b| a.1.cmp(&b.1));
        with_blank(i, items)
    })
}

pub fn locations() -> Signal<Choices> {
    let (i, ctx) = (use_i18n(), use_ctx());
    Signal::derive(move || {
        let locations = ctx.live.with(|live| {
            live.board
                .stock
                .locations
                .iter()
                .map(|(id, name)| (id.to_string(), name.clone()))
                .collect()
        });
        with_blank(i, locations)
    })
}

pub fn partners() -> Signal<Choices> {
    let (i, ctx) = (use_i18n(), use_ctx());
    Signal::derive(move || {
        let partners = ctx.live.with(|live| {
            live.board
                .stock
                .partners
                .iter()
                .map(|(id, name)| (id.to_string(), name.clone()))
                .collect()
        });
        with_blank(i, partners)
    })
}

/// Every member, by name.
pub fn members() -> Signal<Choices> {
    let (i, ctx) = (use_i18n(), use_ctx());
    Signal::derive(move || {
        let members = ctx.live.with(|live| {
            live.members.iter().map(|m| (m.member_id.to_string(), m.name.clone())).collect()
        });
        with_blank(i, members)
    })
}

/// Members who drive, with "no driver yet" first.
pub fn drivers() -> Signal<Choices> {
    let (i, ctx) = (use_i18n(), use_ctx());
    Signal::derive(move || {
        let mut choices = vec![(String::new(), i.t("schedule.no_driver"))];
        ctx.live.with(|live| {
            choices.extend(
                live.members
                    .iter()
                    .filter(|m| m.roles.contains(&Role::Driver))
                    .map(|m| (m.member_id.to_string(), m.name.clone())),
            )
        });
        choices
    })
}

/// Fixed choices with words from translation keys, in order.
pub fn keyed(pairs: &'static [(&'static str, &'static str)]) -> Signal<Choices> {
    let i = use_i18n();
    Signal::derive(move || pairs.iter().map(|(v, key)| ((*v).to_owned(), i.t(key))).collect())
}
