//! Compiles content/form.toml (every text of the form, Indonesian and English) into the module, so
//! a missing translation or a mismatched `{placeholder}` fails the build with the key named. The
//! file is read and checked by `jmo_guide::load::texts_for_build`, by the rules `content/ui.toml`
//! follows, and `Texts` is written by the same generator as the widget's `Shell`.

use std::fmt::Write;
use std::path::Path;

use jmo_guide::load::{texts_for_build, ErrorText, FORM_FILE};
use jmo_guide::Language;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/form.toml");
    let form = texts_for_build(FORM_FILE, &path);
    let mut code = jmo_guide::codegen::text_table(
        "/// Every text of the form in one language (generated from content/form.toml).",
        "Texts",
        &form.texts,
        &[("ID", Language::Id), ("EN", Language::En)],
    );
    let (for_field, for_code): (Vec<&ErrorText>, Vec<&ErrorText>) = form.errors.iter().partition(|e| e.field.is_some());
    code.push_str("/// The text for a refused field: the field's own, else the code's (Indonesian, English).\n");
    code.push_str("pub fn error_texts(field: &str, code: &str) -> Option<(&'static str, &'static str)> {\n    match (field, code) {\n");
    for e in &for_field {
        let (field, c, id, en) = (e.field.as_deref().unwrap_or_default(), &e.code, &e.text.id, &e.text.en);
        writeln!(code, "        ({field:?}, {c:?}) => Some(({id:?}, {en:?})),").unwrap();
    }
    code.push_str("        _ => match code {\n");
    for e in &for_code {
        writeln!(code, "            {:?} => Some(({:?}, {:?})),", e.code, e.text.id, e.text.en).unwrap();
    }
    code.push_str("            _ => None,\n        },\n    }\n}\n");
    code.push_str("/// The codes with a generic text.\npub const CODES_WITH_TEXT: &[&str] = &[");
    for e in &for_code {
        write!(code, "{:?}, ", e.code).unwrap();
    }
    code.push_str("];\n");
    std::fs::write(Path::new(&std::env::var("OUT_DIR").unwrap()).join("texts.rs"), code).unwrap();
}
