//! Audit bundles end to end: the demo month exported by the real `potluck` binary verifies
//! offline, and every kind of tampering (a byte in an event, a line removed or moved, a
//! derived file changed, the manifest's head hash) fails naming where; an auditor downloads
//! the same bundle over HTTP as a tar archive, and it carries no household's or donor's
//! personal data in clear, before or after they are erased.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use server::bundle::{self, Problem};
use server::http::Options;
use shared::access::Role;
use tests::{Client, TestApp, files_under};

use super::api::{log_request, stocked};

const POTLUCK: &str = env!("CARGO_BIN_EXE_potluck");

/// A data folder filled with the demo month by `potluck serve --demo`, and its bundle
/// written by `potluck export --bundle`; both live as long as the returned folder.
fn demo_bundle() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Command::new(POTLUCK)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--data", data.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for line in BufReader::new(server.stdout.take().unwrap()).lines() {
        if line.unwrap().contains("listening on http://127.0.0.1:") {
            break;
        }
    }
    // Every command was answered once durable: the folder is whole without a clean stop.
    server.kill().unwrap();
    server.wait().unwrap();
    let bundle = dir.path().join("bundle");
    let export = potluck(&[
        "export",
        "--bundle",
        bundle.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    (dir, bundle)
}

fn potluck(args: &[&str]) -> std::process::Output {
    Command::new(POTLUCK).args(args).output().unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A fresh copy of the bundle changed by `tamper`, and every problem verifying it finds.
fn tampered(bundle: &Path, tamper: impl FnOnce(&Path)) -> (tempfile::TempDir, Vec<Problem>) {
    let copy = tempfile::tempdir().unwrap();
    copy_dir(bundle, copy.path());
    tamper(copy.path());
    let problems = bundle::verify(copy.path()).expect_err("a tampered bundle must not verify");
    (copy, problems)
}

/// Rewrites a text file's lines; each keeps its own line end (the CSVs end theirs in CRLF).
fn edit_lines(path: &Path, edit: impl FnOnce(&mut Vec<String>)) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    edit(&mut lines);
    std::fs::write(path, lines.concat()).unwrap();
}

fn manifest(bundle: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn the_demo_month_exports_to_a_bundle_that_verifies_offline() {
    let (dir, bundle) = demo_bundle();
    let verify = potluck(&["verify-bundle", bundle.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "{said}");
    let manifest = manifest(&bundle);
    let count = manifest["count"].as_u64().unwrap();
    assert!(said.starts_with(&format!("OK: {count} events")), "{said}");
    assert!(count > 1000, "{count} events in the demo month");
    assert_eq!(manifest["head_position"], count);

    // Every event, as stored; every other file hashed in the manifest.
    let events = std::fs::read_to_string(bundle.join("events.ndjson")).unwrap();
    assert_eq!(events.lines().count() as u64, count);
    let files = manifest["files"].as_object().unwrap();
    for name in ["events.ndjson", "transactions.csv", "stock_movements.csv"] {
        assert!(files.contains_key(name), "{name} missing from the manifest");
    }
    assert!(files.keys().any(|f| f.starts_with("statements/")), "no statement: {files:?}");
    let verified = bundle::verify(&bundle).unwrap();
    assert!(verified.transaction_rows > 20 && verified.movement_rows > 200, "{verified:?}");

    // Each row traces to its event: position, time, actor and command id.
    let transactions = std::fs::read_to_string(bundle.join("transactions.csv")).unwrap();
    let row: Vec<&str> = transactions.lines().nth(1).unwrap().split(',').collect();
    let event: Value =
        serde_json::from_str(events.lines().nth(row[0].parse::<usize>().unwrap() - 1).unwrap())
            .unwrap();
    assert_eq!(event["event_type"], "TransactionRecorded");
    assert_eq!(
        (event["actor"].as_str(), event["command_id"].as_str()),
        (Some(row[2]), Some(row[3]))
    );
    // On the demo group's clock, New York's, with its offset: the same instant as the event.
    assert!(row[1].ends_with("-05:00") || row[1].ends_with("-04:00"), "{}", row[1]);
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(bundle.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["time_zone"], "America/New_York");

    // A bundle is never written over anything.
    let again = potluck(&[
        "export",
        "--bundle",
        bundle.to_str().unwrap(),
        "--data",
        dir.path().join("data").to_str().unwrap(),
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    assert!(bundle::verify(&bundle).is_ok());
}

#[test]
fn tampered_events_fail_naming_the_position_where_the_chain_breaks() {
    let (_dir, bundle) = demo_bundle();

    // One byte of the record at position 100 (in its stream's name).
    let (copy, problems) = tampered(&bundle, |b| {
        edit_lines(&b.join("events.ndjson"), |lines| {
            let line = &mut lines[99];
            let at = line.find(r#""stream":""#).unwrap() + r#""stream":""#.len();
            let changed = if &line[at..=at] == "x" { "y" } else { "x" };
            line.replace_range(at..=at, changed);
        })
    });
    assert!(
        matches!(&problems[0], Problem::Chain { position: 100, line: 100, reason } if reason.contains("hash")),
        "{problems:?}"
    );
    // The command line says the same, and fails.
    let verify = potluck(&["verify-bundle", copy.path().to_str().unwrap()]);
    let said = String::from_utf8_lossy(&verify.stdout);
    assert_eq!(verify.status.code(), Some(1), "{said}");
    assert!(said.starts_with("BROKEN: events.ndjson: the chain breaks at position 100"), "{said}");

    // The line of position 100 removed: the gap is at 100.
    let (_copy, problems) =
        tampered(&bundle, |b| edit_lines(&b.join("events.ndjson"), |lines| drop(lines.remove(99))));
    assert!(
        matches!(&problems[0], Problem::Chain { position: 100, line: 100, .. }),
        "{problems:?}"
    );

    // Positions 100 and 101 swapped.
    let (_copy, problems) =
        tampered(&bundle, |b| edit_lines(&b.join("events.ndjson"), |lines| lines.swap(99, 100)));
    assert!(
        matches!(&problems[0], Problem::Chain { position: 100, line: 100, .. }),
        "{problems:?}"
    );

    // The last line removed: the chain itself is sound, but it ends before the manifest's head.
    let count = manifest(&bundle)["count"].as_u64().unwrap();
    let (_copy, problems) =
        tampered(&bundle, |b| edit_lines(&b.join("events.ndjson"), |lines| drop(lines.pop())));
    let Problem::Manifest(said) = &problems[0] else { panic!("{problems:?}") };
    assert!(said.contains(&format!("end at position {}", count - 1)), "{said}");

    // The manifest's head hash changed.
    let (_copy, problems) = tampered(&bundle, |b| {
        let mut manifest = manifest(b);
        let hash = manifest["head_hash"].as_str().unwrap().to_owned();
        let forged = format!("{}{}", if hash.starts_with('0') { "1" } else { "0" }, &hash[1..]);
        manifest["head_hash"] = json!(forged);
        std::fs::write(b.join("manifest.json"), manifest.to_string()).unwrap();
    });
    assert_eq!(problems.len(), 1, "{problems:?}");
    let Problem::Manifest(said) = &problems[0] else { panic!("{problems:?}") };
    assert!(said.contains("head hash") && said.contains(&format!("position {count}")), "{said}");
}

#[test]
fn tampered_derived_files_fail_naming_the_file_and_line() {
    let (_dir, bundle) = demo_bundle();

    // One byte of a posting's row: the position it names.
    let (_copy, problems) = tampered(&bundle, |b| {
        edit_lines(&b.join("transactions.csv"), |lines| {
            let first = lines[4].chars().next().unwrap();
            let changed = if first == '9' { '8' } else { '9' };
            lines[4].replace_range(0..1, &changed.to_string());
        })
    });
    let file = "transactions.csv".to_owned();
    assert!(
        matches!(&problems[0], Problem::Derived { file: f, line: 5, .. } if *f == file),
        "{problems:?}"
    );
    assert!(problems.iter().any(|p| matches!(p, Problem::FileHash { file: f, .. } if *f == file)));

    // A stock movement removed: its row is named, with the position of its event.
    let movements = std::fs::read_to_string(bundle.join("stock_movements.csv")).unwrap();
    let removed = movements.lines().nth(39).unwrap();
    let removed_position: u64 = removed.split(',').next().unwrap().parse().unwrap();
    let (_copy, problems) = tampered(&bundle, |b| {
        edit_lines(&b.join("stock_movements.csv"), |lines| drop(lines.remove(39)))
    });
    let Problem::Derived { file, line, position, expected, .. } = &problems[0] else {
        panic!("{problems:?}")
    };
    assert_eq!(
        (file.as_str(), *line, *position),
        ("stock_movements.csv", 40, Some(removed_position))
    );
    assert_eq!(expected, removed);

    // A figure of a statement changed.
    let statement = manifest(&bundle)["files"]
        .as_object()
        .unwrap()
        .keys()
        .find(|f| f.starts_with("statements/"))
        .unwrap()
        .clone();
    let mut changed_line = 0;
    let (copy, problems) = tampered(&bundle, |b| {
        edit_lines(&b.join(&statement), |lines| {
            let (i, line) =
                lines.iter_mut().enumerate().find(|(_, l)| l.contains("\"cents\": ")).unwrap();
            let at = line.find("\"cents\": ").unwrap() + "\"cents\": ".len();
            line.insert(at, '1');
            changed_line = i + 1;
        })
    });
    assert!(
        matches!(&problems[0], Problem::Derived { file, line, .. } if *file == statement && *line == changed_line),
        "{problems:?}"
    );
    let verify = potluck(&["verify-bundle", copy.path().to_str().unwrap()]);
    let said = String::from_utf8_lossy(&verify.stdout);
    assert_eq!(verify.status.code(), Some(1), "{said}");
    assert!(said.contains(&format!("{statement} line {changed_line}")), "{said}");
}

const NAME: &str = "Perpetua Marchbanks-Audited";
const PHONE: &str = "555-0199-4242";
const ADDRESS: &str = "12 Lanternwick Close";
const DONOR_NAME: &str = "Ignatius Fairweather-Private";

/// Downloads the bundle as `member`, unpacks it with `tar` as an auditor would, and
/// returns the folder it made (inside `into`).
async fn download(member: &Client, into: &Path) -> PathBuf {
    let response = member
        .http
        .get(format!("{}/api/audit/bundle", member.base))
        .bearer_auth(&member.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "application/x-tar");
    let disposition = header("content-disposition");
    assert!(disposition.starts_with("attachment; filename=\"potluck-bundle-"), "{disposition}");
    let archive = response.bytes().await.unwrap();
    std::fs::create_dir_all(into).unwrap();
    let mut tar = Command::new("tar")
        .args(["-x", "-f", "-", "-C", into.to_str().unwrap()])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    tar.stdin.take().unwrap().write_all(&archive).unwrap();
    assert!(tar.wait().unwrap().success());
    let folders: Vec<PathBuf> =
        std::fs::read_dir(into).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(folders.len(), 1, "one folder: {folders:?}");
    folders[0].clone()
}

fn assert_no_personal_data(bundle: &Path) {
    for file in files_under(bundle) {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        for secret in [NAME, PHONE, ADDRESS, DONOR_NAME, "555-0171"] {
            assert!(!text.contains(secret), "{secret} in {}", file.display());
        }
    }
}

async fn books_with_a_sealed_donor(app: &TestApp) -> Client {
    let hana = app.member("hana", &[Role::Finance]).await;
    for (i, open) in shared::ledger::default_chart().into_iter().enumerate() {
        let (status, body) =
            hana.command(&format!("open-{i}"), serde_json::to_value(open).unwrap()).await;
        assert_eq!(status, 200, "{body}");
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let today = shared::distribution::day::day_of(now.as_millis() as i64);
    let donor = json!({"public_name": null,
        "personal_data": {"name": DONOR_NAME, "phone": "555-0171", "address": "9 Vestry Row", "notes": ""}});
    let gift = json!({"type": "RecordTransaction", "transaction_id": "t-gift", "on_day": today,
        "description": "Gift", "currency": "USD", "receipt": null, "paid_for": null,
        "postings": [{"account_id": "bank", "amount_cents": 30_000},
                     {"account_id": "donations", "amount_cents": -30_000}],
        "donor": donor});
    let (status, body) = hana.command("gift", gift).await;
    assert_eq!(status, 200, "{body}");
    hana
}

// Multi-threaded: `tar` and `potluck verify-bundle` run as child processes while the server
// keeps answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_downloads_a_bundle_that_verifies_with_no_personal_data_even_after_erasure() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    stocked(&app).await;
    let liaison = app.member("lia", &[Role::Liaison]).await;
    let auditor = app.member("yara", &[Role::Auditor]).await;
    let volunteer = app.member("vic", &[Role::Volunteer]).await;
    let mut request = log_request("r1", "soap", None);
    request["personal_data"] =
        json!({"name": NAME, "phone": PHONE, "address": ADDRESS, "notes": "ring twice"});
    let (status, body) = liaison.command("log-r1", request).await;
    assert_eq!(status, 200, "{body}");
    let hana = books_with_a_sealed_donor(&app).await;

    // Only the roles that read the raw log download it (not even finance, who reads the
    // books but not who opened which household's details); signing in comes first.
    let (status, body) = volunteer.get("/api/audit/bundle").await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = hana.get("/api/audit/bundle").await;
    assert_eq!(status, 403, "{body}");
    let anonymous = reqwest::get(app.url("/api/audit/bundle")).await.unwrap();
    assert_eq!(anonymous.status(), 401);

    let unpacked = tempfile::tempdir().unwrap();
    let before = download(&auditor, &unpacked.path().join("before")).await;
    let verify = potluck(&["verify-bundle", before.to_str().unwrap()]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    let verified = bundle::verify(&before).unwrap();
    assert_eq!(verified.manifest.exported_by, "yara");
    assert_eq!(verified.manifest.head_position, app.log.head().position);
    assert_eq!(
        before.file_name().unwrap().to_str().unwrap(),
        format!("potluck-bundle-{}", app.log.head().position)
    );
    assert_no_personal_data(&before);
    let transactions = std::fs::read_to_string(before.join("transactions.csv")).unwrap();
    assert!(transactions.contains("donor:t-gift,\r\n"), "{transactions}");
    let ciphertext = app.state.group.read(|p| p.contacts["r1"].1.ciphertext().to_owned());

    // Erased: the household by a liaison, the donor by finance. The bundle still verifies,
    // holds the ciphertext nobody can open any more, and marks the donor erased.
    let erase = json!({"type": "EraseHousehold", "household_id": "h-17", "reason": "asked to be forgotten"});
    let (status, body) = liaison.command("erase-h17", erase).await;
    assert_eq!(status, 200, "{body}");
    let erase =
        json!({"type": "EraseDonor", "donor_of": "t-gift", "reason": "asked to be forgotten"});
    let (status, body) = hana.command("erase-donor", erase).await;
    assert_eq!(status, 200, "{body}");
    let after = download(&auditor, &unpacked.path().join("after")).await;
    let verify = potluck(&["verify-bundle", after.to_str().unwrap()]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    assert_no_personal_data(&after);
    let events = std::fs::read_to_string(after.join("events.ndjson")).unwrap();
    assert!(events.contains(&ciphertext), "the sealed contact stays, as stored");
    assert!(events.contains("\"event_type\":\"HouseholdErased\""));
    let transactions = std::fs::read_to_string(after.join("transactions.csv")).unwrap();
    assert!(transactions.contains("donor:t-gift,yes\r\n"), "{transactions}");
    app.stop().await;
}
