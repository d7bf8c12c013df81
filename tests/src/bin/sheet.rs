//! Writes a large inventory sheet to standard output, as a pantry's spreadsheet exports it
//! (semicolons, day/month/year dates), for measuring imports (BENCHMARKS.md, "Imports"):
//!
//! ```sh
//! cargo run --release -p tests --bin sheet -- 200000 > /tmp/inventory-200k.csv
//! ```

use std::io::Write;

fn main() -> std::io::Result<()> {
    let rows: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(200_000);
    let kinds = [("Rice", "food", "kg"), ("Pasta", "food", "pack"), ("Soap", "hygiene", "bar")];
    let places = ["Church hall", "Garage", "Van 1", "School store"];
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    out.write_all(b"Item;Category;Unit;Location;Quantity;Expires\r\n")?;
    // A fixed linear congruential sequence: the same sheet every time.
    let mut state: u64 = 11;
    let mut next = |below: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (state >> 33) % below
    };
    for i in 0..rows {
        let (name, category, unit) = kinds[i % kinds.len()];
        let place = places[usize::try_from(next(4)).unwrap_or(0)];
        let quantity = 1 + next(59);
        let expires = if category == "food" {
            format!("{:02}/{:02}/2027", 1 + next(28), 1 + next(12))
        } else {
            String::new()
        };
        let n = i / kinds.len() + 1;
        write!(out, "{name} {n};{category};{unit};{place};{quantity};{expires}\r\n")?;
    }
    out.flush()
}
