//! The screens, one module each. A screen imports only what lies below it (`ui`, `ctx`, the
//! api, socket and live layers, and `shared`), never another screen: a piece two screens
//! need moves down into `ui`. `tests::no_screen_imports_another` holds the line.
//!
//! In the first module: [`board`], [`intake`], [`request`], [`driver`]. Loaded on demand
//! (`crate::lazy`): [`stock`], [`money`], [`people`], [`report`], [`replay`], [`audit`],
//! [`import`].

pub mod audit;
pub mod board;
pub mod driver;
pub mod import;
pub mod intake;
pub mod money;
pub mod people;
pub mod replay;
pub mod report;
pub mod request;
pub mod settings;
pub mod standing;
pub mod stock;
pub mod week;
