//! The layers of `src/` point one way: a module imports only modules of the layers below
//! it (README, Architecture). This reads every `crate::<module>` path in `src/` and fails on
//! an import of a module above, or of an unknown top-level module (add it to `LAYERS`).

use std::collections::BTreeSet;
use std::path::Path;

/// Top to bottom; modules on one line are one layer and do not import each other.
const LAYERS: &[&[&str]] = &[
    &["dispatch"],
    &["commands", "tui"],
    &["batch"],
    &["change"],
    &["cache"],
    &["snapshot"],
    &["session", "awscli"],
    &["journal", "cli", "exit", "logging"],
    &["aws", "local", "paths", "settings"],
    &["atomic_file"],
    &["domain", "allocator"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_import_points_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = BTreeSet::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if top == "main" || top == "lib" {
            continue;
        }
        let Some(own) = layer_of(&top) else {
            wrong.insert(format!("{top}: not in LAYERS"));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, _) in text.match_indices("crate::") {
            let name: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() || name == top {
                continue;
            }
            match layer_of(&name) {
                Some(l) if l > own => {}
                Some(_) => {
                    wrong.insert(format!(
                        "{} imports {name}, which is not below it",
                        rel.display()
                    ));
                }
                None => {
                    wrong.insert(format!("{} imports {name}: not in LAYERS", rel.display()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "layers broken:\n{}",
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
}
