//! A bundle as one tar archive (POSIX ustar) of one folder, so that
//! `curl … | tar x` leaves a folder that `potluck verify-bundle` checks.
//!
//! The archive is returned as parts (headers, file contents, padding) rather than one
//! buffer: the files' bytes are moved into it, never copied, and the HTTP body sends the
//! parts one after the other.

use tar::{EntryType, Header};

use super::derive::STATEMENTS;
use super::{Bundle, MANIFEST};

/// The size of a tar block.
const BLOCK: usize = 512;

/// The archive of `bundle` under the folder `folder` (a plain name such as
/// `potluck-bundle-1444`), its entries dated `mtime_s` (seconds since the Unix epoch).
pub fn tar(folder: &str, bundle: Bundle, mtime_s: u64) -> std::io::Result<Vec<Vec<u8>>> {
    let mut parts = Vec::with_capacity(3 * bundle.files.len() + 8);
    parts.push(header(&format!("{folder}/"), 0, EntryType::Directory, mtime_s)?);
    parts.push(header(&format!("{folder}/{STATEMENTS}/"), 0, EntryType::Directory, mtime_s)?);
    let manifest = (MANIFEST.to_owned(), bundle.manifest.to_json());
    for (name, bytes) in std::iter::once(manifest).chain(bundle.files) {
        let path = format!("{folder}/{name}");
        parts.push(header(&path, bytes.len() as u64, EntryType::Regular, mtime_s)?);
        let padding = (BLOCK - bytes.len() % BLOCK) % BLOCK;
        parts.push(bytes);
        if padding > 0 {
            parts.push(vec![0; padding]);
        }
    }
    // The end of an archive: two empty blocks.
    parts.push(vec![0; 2 * BLOCK]);
    Ok(parts)
}

fn header(path: &str, size: u64, kind: EntryType, mtime_s: u64) -> std::io::Result<Vec<u8>> {
    let mut header = Header::new_ustar();
    header.set_path(path)?;
    header.set_entry_type(kind);
    header.set_size(size);
    header.set_mode(if kind == EntryType::Directory { 0o755 } else { 0o644 });
    header.set_mtime(mtime_s);
    header.set_cksum();
    Ok(header.as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::io::Read;

    use super::*;
    use crate::bundle::Manifest;

    #[test]
    fn the_archive_holds_one_folder_with_every_file_byte_for_byte() {
        let manifest = Manifest {
            format: crate::bundle::FORMAT.to_owned(),
            exported_at: "2026-11-29T10:00:00.000Z".to_owned(),
            exported_by: "yara".to_owned(),
            count: 0,
            head_position: 0,
            head_hash: hex::encode([0; 32]),
            first_hash: None,
            files: BTreeMap::new(),
            time_zone: "UTC".to_owned(),
        };
        let files = vec![
            ("events.ndjson".to_owned(), b"{}\n".repeat(300)),
            ("statements/2026-11.json".to_owned(), b"{\"month\": 11}\n".to_vec()),
            ("transactions.csv".to_owned(), Vec::new()),
        ];
        let expected = files.clone();
        let parts = tar("potluck-bundle-0", Bundle { manifest, files }, 1_790_000_000)
            .expect("archive built");
        let bytes = parts.concat();
        assert_eq!(bytes.len() % BLOCK, 0);

        let mut archive = ::tar::Archive::new(bytes.as_slice());
        let mut found = Vec::new();
        for entry in archive.entries().expect("entries") {
            let mut entry = entry.expect("entry");
            let path = entry.path().expect("path").to_string_lossy().into_owned();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("content");
            found.push((path, content));
        }
        let names: Vec<&str> = found.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            names,
            [
                "potluck-bundle-0/",
                "potluck-bundle-0/statements/",
                "potluck-bundle-0/manifest.json",
                "potluck-bundle-0/events.ndjson",
                "potluck-bundle-0/statements/2026-11.json",
                "potluck-bundle-0/transactions.csv",
            ]
        );
        for (name, content) in expected {
            let path = format!("potluck-bundle-0/{name}");
            let entry = found.iter().find(|(p, _)| *p == path).expect("file in archive");
            assert_eq!(entry.1, content, "{name}");
        }
    }
}
