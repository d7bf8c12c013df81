//! What the log benches share: a fresh PostgreSQL database to run on.

/// A new, migrated `potluck_bench` database on the server `url` names (dropped first if a
/// run left one); its address.
pub fn fresh_database(url: &str) -> String {
    let admin = url.to_owned();
    // The blocking client runs a runtime of its own: off the bench's runtime.
    std::thread::spawn(move || {
        let mut admin = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        admin.batch_execute("DROP DATABASE IF EXISTS potluck_bench").unwrap();
        admin.batch_execute("CREATE DATABASE potluck_bench").unwrap();
    })
    .join()
    .unwrap();
    let bench = bench_url(url);
    server::log::migrate(&bench).unwrap();
    bench
}

/// The address of `potluck_bench` on the server `url` names.
pub fn bench_url(url: &str) -> String {
    match url.rsplit_once('/') {
        Some((server, _)) if server.contains("://") && server.len() > "postgres://".len() => {
            format!("{server}/potluck_bench")
        }
        _ => format!("{url}/potluck_bench"),
    }
}
