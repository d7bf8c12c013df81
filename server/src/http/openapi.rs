//! `GET /api/openapi.json`: the API described from the handlers' own annotations, so the
//! document cannot drift from the routes.

use axum::Json;
use serde_json::{Value, json};
use utoipa::OpenApi;

use super::{api, audit, exports, history, imports, money, people, session};

#[derive(OpenApi)]
#[openapi(
    info(title = "Potluck", description = "Coordination server for mutual-aid groups"),
    paths(
        session::sign_in,
        session::sign_out,
        session::me,
        api::post_command,
        api::get_events,
        api::verify,
        api::snapshot,
        api::add_member,
        api::contact,
        api::role_contact,
        api::metrics,
        money::ledger,
        money::statement,
        money::report,
        exports::transactions,
        exports::statement,
        exports::stock_movements,
        exports::members,
        people::roster,
        people::standing,
        people::week,
        history::past,
        history::events,
        audit::bundle,
        imports::import,
        imports::progress,
        imports::stop,
        imports::items_csv,
    ),
    components(schemas(
        shared::wire::CommandRequest,
        shared::view::ErrorBody,
        shared::view::ErrorDetail,
        api::NewMember,
        session::SignIn,
        shared::view::LedgerView,
        shared::view::StatementView,
        shared::view::RosterView,
        shared::view::StandingView,
        shared::view::WeekView,
        shared::view::import::Progress,
        crate::commands::Accepted
    ))
)]
struct ApiDoc;

/// The document, with the list of command types filled in from the role table.
pub fn document() -> Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    let types: Vec<&str> = shared::access::COMMAND_TYPES.to_vec();
    let command = &mut document["components"]["schemas"]["CommandBody"]["properties"]["command"];
    if command.is_object() {
        command["properties"] = json!({ "type": { "type": "string", "enum": types } });
        command["required"] = json!(["type"]);
    }
    document
}

pub async fn serve_document() -> Json<Value> {
    Json(document())
}
