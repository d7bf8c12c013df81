//! Which screen the address names: the hash router (`#/board`, `#/request/r-12`, ...).

/// A screen and what it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Board,
    Intake,
    Request(String),
    Driver,
    Stock,
    Money,
    People,
    /// The monthly retrospective.
    Report,
    /// The board as it was, replayed.
    Replay,
    /// The event log asked; the text is a value to trace (`#/audit/rice`).
    Audit(String),
    /// CSV files uploaded, checked, then imported.
    Import,
    /// The group's zones and when a card turns late.
    Settings,
    /// Standing orders: the same items on the same weekdays.
    Standing,
    /// The signed-in member's next seven days.
    Week,
}

impl Route {
    /// The route of a location hash such as `#/request/r-12`; the board for anything else.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        match path.split_once('/') {
            Some(("request", id)) if !id.is_empty() => Route::Request(decoded(id)),
            Some(("audit", value)) => Route::Audit(decoded(value)),
            _ => match path {
                "intake" => Route::Intake,
                "driver" => Route::Driver,
                "stock" => Route::Stock,
                "money" => Route::Money,
                "people" => Route::People,
                "report" => Route::Report,
                "replay" => Route::Replay,
                "audit" => Route::Audit(String::new()),
                "import" => Route::Import,
                "settings" => Route::Settings,
                "standing" => Route::Standing,
                "week" => Route::Week,
                _ => Route::Board,
            },
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Board => "#/board".to_owned(),
            Route::Intake => "#/intake".to_owned(),
            Route::Request(id) => format!("#/request/{}", js_sys::encode_uri_component(id)),
            Route::Driver => "#/driver".to_owned(),
            Route::Stock => "#/stock".to_owned(),
            Route::Money => "#/money".to_owned(),
            Route::People => "#/people".to_owned(),
            Route::Report => "#/report".to_owned(),
            Route::Replay => "#/replay".to_owned(),
            Route::Audit(value) if value.is_empty() => "#/audit".to_owned(),
            Route::Audit(value) => format!("#/audit/{}", js_sys::encode_uri_component(value)),
            Route::Import => "#/import".to_owned(),
            Route::Settings => "#/settings".to_owned(),
            Route::Standing => "#/standing".to_owned(),
            Route::Week => "#/week".to_owned(),
        }
    }
}

fn decoded(text: &str) -> String {
    js_sys::decode_uri_component(text).map_or(text.to_owned(), String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_routes_parse_without_the_browser() {
        assert_eq!(Route::parse("#/stock"), Route::Stock);
        assert_eq!(Route::parse("#/driver"), Route::Driver);
        assert_eq!(Route::parse("#/intake"), Route::Intake);
        assert_eq!(Route::parse("#/money"), Route::Money);
        assert_eq!(Route::parse("#/people"), Route::People);
        assert_eq!(Route::parse("#/report"), Route::Report);
        assert_eq!(Route::parse("#/replay"), Route::Replay);
        assert_eq!(Route::parse("#/audit"), Route::Audit(String::new()));
        assert_eq!(Route::parse("#/import"), Route::Import);
        assert_eq!(Route::parse("#/settings"), Route::Settings);
        assert_eq!(Route::parse(""), Route::Board);
        assert_eq!(Route::parse("#/nowhere"), Route::Board);
    }
}
