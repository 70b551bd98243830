//! Compiles content/workspace.toml (every text of the workspace, Indonesian and English) into the
//! crate, checked as content/form.toml is (`jmo_guide::load::texts_for_build`): a missing
//! translation or a mismatched `{placeholder}` fails the build with the key named.

use std::path::Path;

use jmo_guide::Language;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/workspace.toml");
    let texts = jmo_guide::load::texts_for_build(jmo_guide::load::WORKSPACE_FILE, &path);
    let mut code = jmo_guide::codegen::text_table(
        "/// Every text of the workspace in one language (generated from content/workspace.toml).",
        "Texts",
        &texts.texts,
        &[("ID", Language::Id), ("EN", Language::En)],
    );
    code.push_str("/// The text for a refused sign-in or change, by its code (Indonesian, English).\n");
    code.push_str("pub fn error_texts(code: &str) -> Option<(&'static str, &'static str)> {\n    match code {\n");
    for e in texts.errors.iter().filter(|e| e.field.is_none()) {
        code.push_str(&format!("        {:?} => Some(({:?}, {:?})),\n", e.code, e.text.id, e.text.en));
    }
    code.push_str("        _ => None,\n    }\n}\n");
    std::fs::write(Path::new(&std::env::var("OUT_DIR").unwrap()).join("texts.rs"), code).unwrap();
}
