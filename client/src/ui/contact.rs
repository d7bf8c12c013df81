//! A household's contact details as the server answered them: on a request's page for the
//! roles that see them, on a driver's card for today's deliveries.

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
                .map(|(key, value)| view! { <dt>{i.t(key)}</dt><dd>{value}</dd> })
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
