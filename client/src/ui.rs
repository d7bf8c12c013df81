//! What screens are made of: form fields and the one action form ([`form`]), choices from
//! what the group registered ([`choices`]), values as people read them ([`format`]), the
//! words of domain values and refusals ([`labels`], [`words`]), and the pieces two screens
//! show alike: the board's panels ([`board`]: the live board and the replay), the roster's
//! signals ([`signals`]: the board and the people screen), a household's contact
//! ([`contact`]: a request and the driver's card), a month's statement ([`statement`]: money
//! and the report), a standing order's form ([`standing`]: the standing orders screen and a
//! request). [`split`] waits for a part loaded on demand. Nothing here imports a
//! screen.

pub mod board;
pub mod choices;
pub mod contact;
pub mod delivery;
pub mod form;
pub mod format;
pub mod labels;
pub mod signals;
pub mod split;
pub mod standing;
pub mod statement;
pub mod words;
