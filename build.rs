//! Compiles `content/` into the widget: the start screen as static data, the full catalog packed
//! for the server, the files the widget downloads (for its tests), and the app's own texts as a typed table, after the same checks the tests run. A content mistake fails the build with the
//! file and node named.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    println!("cargo:rerun-if-changed={}", root.display());
    for dir in [root.clone(), root.join("guides")] {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            println!("cargo:rerun-if-changed={}", entry.path().display());
        }
    }
    let content = match jmo_guide::load::load_checked(&root) {
        Ok(content) => content,
        Err(problems) => {
            for problem in &problems {
                println!("cargo:warning={problem}");
            }
            panic!("content/ has {} problem(s); see the warnings above", problems.len());
        }
    };

    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
    // Only the start screen is compiled into the widget; it downloads each guide in each language
    // (xtask finish-dist writes the same files next to the wasm; the tests include these copies,
    // listed in parts.rs). The server compiles in the full catalog.
    // `content::Loaded` tells up to 32 guides apart.
    assert!(content.catalog.guides.len() <= 32, "more than 32 guides: widen content::Loaded");
    let head = jmo_guide::pack::head(&content.catalog);
    std::fs::write(out.join("head.rs"), jmo_guide::codegen::catalog_expr(&head)).unwrap();
    std::fs::write(out.join("catalog.pack"), jmo_guide::pack::pack(&content.catalog, None)).unwrap();
    let mut parts = String::from("/// The files the widget downloads, by name (build.rs).\npub static PARTS: &[(&str, &str)] = &[\n");
    for (name, packed) in jmo_guide::pack::part_files(&content.catalog) {
        std::fs::write(out.join(&name), packed).unwrap();
        writeln!(parts, "    ({name:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{name}\"))),").unwrap();
    }
    parts.push_str("];\n");
    std::fs::write(out.join("parts.rs"), parts).unwrap();

    // The shell's texts: compiled in, in both languages.
    let mut ui = jmo_guide::codegen::text_table(
        "/// Texts of the app's shell (`shell.*` in content/ui.toml), compiled in.",
        "Shell",
        &content.shell_texts,
        &[("SHELL_ID", jmo_guide::Language::Id), ("SHELL_EN", jmo_guide::Language::En)],
    );
    // The step pages' texts: read from the downloaded catalog, in the order build.rs packed them.
    // `repr(C)` with only `&'static str` fields, so laid out as an array of them: filled by one
    // loop instead of a generated line per text (0.8 KB gzip less wasm).
    let count = content.catalog.texts.len();
    ui.push_str("/// Texts of the guide steps (`steps.*` in content/ui.toml), downloaded with the guides.\n#[repr(C)]\npub struct Steps {\n");
    for (key, _) in content.catalog.texts.iter() {
        writeln!(ui, "    pub {key}: &'static str,").unwrap();
    }
    ui.push_str("}\nimpl Steps {\n    fn from_texts(texts: &'static [(Text, Localized)], lang: Language) -> Steps {\n");
    writeln!(ui, "        let mut all = [\"\"; {count}];").unwrap();
    ui.push_str("        for (slot, (_, text)) in all.iter_mut().zip(texts) {\n            *slot = text.get(lang);\n        }\n");
    ui.push_str("        // SAFETY: `Steps` is `repr(C)` with exactly this many fields, all `&'static str`: the\n");
    ui.push_str("        // same size and layout as the array (`transmute` checks the size when compiling).\n");
    writeln!(ui, "        unsafe {{ std::mem::transmute::<[&'static str; {count}], Steps>(all) }}").unwrap();
    ui.push_str("    }\n}\n");
    std::fs::write(out.join("ui_text.rs"), ui).unwrap();
}
