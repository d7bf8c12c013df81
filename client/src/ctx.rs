//! What every screen of a signed-in member reads from the context: the folded log, who is
//! signed in, the queue of actions, the clock and the route; and the role checks, asked of
//! `shared::access` so that a screen offers only what the member's roles allow.

use leptos::prelude::*;
use shared::access::{self, Role, View};
use shared::kind::CommandKind;
use shared::members::Member;

use crate::live::Live;

/// Each part's command kinds, for [`Ctx::may`]: `kinds::Distribution::ClaimDelivery`.
pub mod kinds {
    pub use shared::distribution::CommandKind as Distribution;
    pub use shared::ledger::CommandKind as Money;
    pub use shared::limits::CommandKind as Limits;
    pub use shared::members::CommandKind as Members;
    pub use shared::people::CommandKind as People;
    pub use shared::standing::CommandKind as Standing;
}
use crate::outbox::{Action, Outbox};
use crate::route::Route;

#[derive(Clone, Copy, Debug)]
pub struct Ctx {
    pub live: RwSignal<Live>,
    pub me: StoredValue<Member>,
    pub outbox: Outbox,
    /// Now, in milliseconds since 1970; ticks every 15 seconds so ages move on.
    pub now: RwSignal<i64>,
    pub route: RwSignal<Route>,
    /// The window's width and height in CSS pixels, kept as it is resized.
    pub viewport: RwSignal<(f64, f64)>,
}

impl Ctx {
    /// Whether the member's roles allow commands of this kind: only allowed actions are
    /// offered.
    pub fn may(&self, kind: impl Into<CommandKind>) -> bool {
        let kind = kind.into();
        self.me.with_value(|me| access::may_send_kind(&me.roles, kind))
    }

    /// Whether the member's roles may read `view` (and download links of the same data).
    pub fn may_view(&self, view: View) -> bool {
        self.me.with_value(|me| access::may_view(&me.roles, view))
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.me.with_value(|me| me.roles.contains(&role))
    }

    /// Whether the member's roles let them see households' contact details.
    pub fn sees_personal_data(&self) -> bool {
        self.me.with_value(|me| access::sees_all_personal_data(&me.roles))
    }

    /// A phone-sized screen: one column, a compact header, the driver's view first.
    pub fn is_phone(&self) -> bool {
        self.viewport.with(|(width, _)| *width < 700.0)
    }

    pub fn my_id(&self) -> String {
        self.me.with_value(|me| me.member_id.to_string())
    }

    /// Queues an action whose answer shows at the top of the page (for buttons without a
    /// place of their own); forms use `ui::form`, which shows the answer beside the form.
    pub fn send(&self, action: Result<Action, String>) {
        match action {
            Ok(action) => {
                self.outbox.send(action, false);
            }
            Err(problem) => leptos::logging::warn!("not sent: {problem}"),
        }
    }

    /// Goes to `route`, as following a link would.
    pub fn go(&self, route: Route) {
        let _ = window().location().set_hash(&route.href());
        self.route.set(route);
    }
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}
