//! A household's contact details as the server answered them: on a request's page for the
//! roles that see them, on a driver's card for today's deliveries. The phone is a link
//! that calls it; the address has a link to it on OpenStreetMap (opened only when tapped,
//! without telling the map where the link came from).

use leptos::prelude::*;
use shared::view::Contact;

use crate::api::Failure;
use crate::i18n::I18n;
use crate::ui::words;

pub fn details(i: I18n, answer: Result<Contact, Failure>) -> impl IntoView {
    match answer {
        Ok(Contact { personal_data: Some(data), .. }) => {
            // A driver is sent only the address and phone: the rest arrives empty.
            let fields = [
                ("contact.name", data.name),
                ("contact.phone", data.phone),
                ("contact.address", data.address),
                ("contact.notes", data.notes),
            ];
            let rows = fields
                .into_iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(key, value)| {
                    let link = match key {
                        "contact.phone" => Some((tel(&value), "driver.call", false)),
                        "contact.address" => Some((map(&value), "driver.map", true)),
                        _ => None,
                    };
                    let link = link.map(|(href, words, away)| view! {
                        " "
                        <a class="button-link" href=href data-testid=words.replace('.', "-")
                            target=away.then_some("_blank") rel=away.then_some("noopener noreferrer")>
                            {i.t(words)}
                        </a>
                    });
                    view! { <dt>{i.t(key)}</dt><dd>{value} {link}</dd> }
                })
                .collect_view();
            view! { <dl class="contact-details" data-testid="contact-details">{rows}</dl> }
                .into_any()
        }
        Ok(_) => view! { <p>{i.t("contact.erased")}</p> }.into_any(),
        Err(failure) => {
            view! { <p class="error" role="alert">{words::failure(i, failure)}</p> }.into_any()
        }
    }
}

/// A `tel:` link for a phone number as typed: digits and a leading `+` kept.
pub fn tel(phone: &str) -> String {
    let plus = if phone.trim_start().starts_with('+') { "+" } else { "" };
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    format!("tel:{plus}{digits}")
}

/// The address searched for on OpenStreetMap.
pub fn map(address: &str) -> String {
    format!(
        "https://www.openstreetmap.org/search?query={}",
        String::from(js_sys::encode_uri_component(address.trim()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_as_typed_becomes_a_number_to_call() {
        assert_eq!(tel("555-0100 4242"), "tel:55501004242");
        assert_eq!(tel(" +44 (0)20 7946 0000"), "tel:+440207946 0000".replace(' ', ""));
    }
}
