//! Compiles `content/` into the widget: the start screen as static data, the full catalog packed
//! for download, and the app's own texts as a typed table, after the same checks the tests run. A content mistake fails the build with the
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
    // Only the start screen is compiled in; the full guides are downloaded right after first paint
    // (xtask finish-dist writes the same pack next to the wasm; tests include this copy).
    let head = jmo_guide::pack::head(&content.catalog);
    std::fs::write(out.join("head.rs"), jmo_guide::codegen::catalog_expr(&head)).unwrap();
    std::fs::write(out.join("catalog.pack"), jmo_guide::pack::pack(&content.catalog)).unwrap();

    let mut ui = String::from("/// The app's own texts (content/ui.toml).\npub struct Ui {\n");
    for (key, _) in &content.ui {
        writeln!(ui, "    pub {key}: &'static str,").unwrap();
    }
    ui.push_str("}\n");
    for (name, pick) in [("UI_ID", 0), ("UI_EN", 1)] {
        writeln!(ui, "pub static {name}: Ui = Ui {{").unwrap();
        for (key, text) in &content.ui {
            let value: &str = if pick == 0 { &text.id } else { &text.en };
            writeln!(ui, "    {key}: {value:?},").unwrap();
        }
        ui.push_str("};\n");
    }
    std::fs::write(out.join("ui_text.rs"), ui).unwrap();
}
