//! The client's layers, checked from its source: each module imports only the layers below
//! it, no screen imports another screen, and no two modules import each other in a circle.
//! (`lib.rs` describes the layers.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layer of a top-level module: lower numbers lie below.
fn layer(top: &str) -> Option<u8> {
    Some(match top {
        "route" | "i18n" | "api" | "incoming" | "live" | "socket" | "outbox" => 1,
        "ctx" => 2,
        "ui" => 3,
        "screens" => 4,
        "lazy" => 5,
        "app" => 6,
        _ => return None,
    })
}

/// A module's path from its file: `screens/people/roles.rs` is `screens::people::roles`.
fn module_of(file: &Path, src: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let parts: Vec<String> =
        relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts == ["lib"] { Vec::new() } else { parts }
}

/// The modules a source names through `crate::`, as paths (`ui::form`, `screens::board`).
fn references(source: &str) -> BTreeSet<Vec<String>> {
    // Comments may name any module (a doc link is no import).
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let source = code.as_str();
    let mut found = BTreeSet::new();
    for (at, _) in source.match_indices("crate::") {
        let rest = &source[at + "crate::".len()..];
        let path: String =
            rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
        let parts: Vec<String> =
            path.split("::").filter(|p| !p.is_empty()).take(2).map(str::to_owned).collect();
        if !parts.is_empty() {
            found.insert(parts);
        }
    }
    // `use crate::{a, b}` lists several: each top-level name in the braces.
    for (at, _) in source.match_indices("crate::{") {
        let rest = &source[at + "crate::{".len()..];
        let list = rest.split('}').next().unwrap_or_default();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let top = name.split("::").next().unwrap_or_default().to_owned();
            found.insert(vec![top]);
        }
    }
    found
}

/// Every client module with the modules it names.
fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeMap::new();
    let mut folders = vec![src.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).expect("a source file");
                modules.insert(module_of(&path, &src), references(&source));
            }
        }
    }
    modules
}

#[test]
fn each_module_imports_only_the_layers_below_it() {
    let modules = graph();
    assert!(modules.len() > 20, "found {} modules", modules.len());
    for (module, names) in &modules {
        let Some(own) = module.first().and_then(|top| layer(top)) else { continue };
        for name in names {
            let Some(theirs) = layer(&name[0]) else {
                panic!("{} names crate::{}, which is no layer", module.join("::"), name[0]);
            };
            let same_module = name[0] == module[0];
            assert!(
                theirs < own || same_module || (own == 1 && theirs == 1),
                "{} (layer {own}) imports crate::{} (layer {theirs})",
                module.join("::"),
                name.join("::")
            );
        }
    }
}

#[test]
fn no_screen_imports_another_screen() {
    for (module, names) in graph() {
        if module.first().map(String::as_str) != Some("screens") || module.len() < 2 {
            continue;
        }
        for name in names.iter().filter(|n| n[0] == "screens") {
            assert!(
                name.get(1) == module.get(1),
                "{} imports crate::{}: a piece two screens need belongs in ui",
                module.join("::"),
                name.join("::")
            );
        }
    }
}

#[test]
fn no_two_modules_import_each_other_in_a_circle() {
    // Each file stands for its top two levels (`screens::people`, `ui::form`, `live`).
    let key = |path: &[String]| path.iter().take(2).cloned().collect::<Vec<_>>().join("::");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, names) in graph() {
        if module.is_empty() || module[0] == "layers" {
            continue;
        }
        let from = key(&module);
        for name in names {
            let to = key(&name);
            // A file's own submodules and its parent are one unit.
            if to != from
                && !from.starts_with(&format!("{to}::"))
                && !to.starts_with(&format!("{from}::"))
            {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    // Depth-first search for a path back to where it started.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            panic!("a circle of imports: {} -> {node}", path[at..].join(" -> "));
        }
        if !done.insert(node.to_owned()) {
            return;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, path, done);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        let mut path = Vec::new();
        visit(node, &edges, &mut path, &mut done);
    }
}

#[test]
fn the_checks_see_a_screen_importing_another() {
    let names = references("use crate::screens::board::BoardScreen;\nuse crate::{ui, ctx::Ctx};");
    assert!(names.contains(&vec!["screens".to_owned(), "board".to_owned()]));
    assert!(names.contains(&vec!["ui".to_owned()]));
    assert!(names.contains(&vec!["ctx".to_owned()]));
}
