//! Compiles content/form.toml (every text of the form, Indonesian and English) into the module, so
//! a missing translation or a mismatched `{placeholder}` fails the build with the key named.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/form.toml");
    println!("cargo:rerun-if-changed={}", path.display());
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match generate(&source) {
        Ok(code) => {
            let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("texts.rs");
            std::fs::write(out, code).unwrap();
        }
        Err(problem) => panic!("content/form.toml: {problem}"),
    }
}

fn generate(source: &str) -> Result<String, String> {
    let table: toml::Table = source.parse().map_err(|e| format!("{e}"))?;
    let mut texts = Vec::new();
    let mut errors = Vec::new(); // (field or "", code, id, en)
    for (section, value) in &table {
        let entries = value.as_table().ok_or(format!("[{section}] must be a table"))?;
        match section.as_str() {
            "text" => {
                for (key, v) in entries {
                    texts.push((key.clone(), pair(&format!("text.{key}"), v)?));
                }
            }
            "error" => {
                for (key, v) in entries {
                    let t = v.as_table().ok_or(format!("error.{key} must be a table"))?;
                    if t.contains_key("id") {
                        errors.push((String::new(), key.clone(), pair(&format!("error.{key}"), v)?));
                    } else {
                        for (code, v) in t {
                            errors.push((key.clone(), code.clone(), pair(&format!("error.\"{key}\".{code}"), v)?));
                        }
                    }
                }
            }
            other => return Err(format!("unknown section [{other}] (expected [text.*] or [error.*])")),
        }
    }
    let mut code = String::from("/// Every text of the form in one language (generated from content/form.toml).\npub struct Texts {\n");
    for (key, _) in &texts {
        writeln!(code, "    pub {key}: &'static str,").unwrap();
    }
    code.push_str("}\n");
    for (name, index) in [("ID", 0), ("EN", 1)] {
        writeln!(code, "pub static {name}: Texts = Texts {{").unwrap();
        for (key, pair) in &texts {
            writeln!(code, "    {key}: {:?},", if index == 0 { &pair.0 } else { &pair.1 }).unwrap();
        }
        code.push_str("};\n");
    }
    code.push_str("/// The text for a refused field: the field's own, else the code's (Indonesian, English).\n");
    code.push_str("pub fn error_texts(field: &str, code: &str) -> Option<(&'static str, &'static str)> {\n    match (field, code) {\n");
    for (field, c, (id, en)) in errors.iter().filter(|e| !e.0.is_empty()) {
        writeln!(code, "        ({field:?}, {c:?}) => Some(({id:?}, {en:?})),").unwrap();
    }
    code.push_str("        _ => match code {\n");
    for (_, c, (id, en)) in errors.iter().filter(|e| e.0.is_empty()) {
        writeln!(code, "            {c:?} => Some(({id:?}, {en:?})),").unwrap();
    }
    code.push_str("            _ => None,\n        },\n    }\n}\n");
    code.push_str("/// The codes with a generic text.\npub const CODES_WITH_TEXT: &[&str] = &[");
    for (_, c, _) in errors.iter().filter(|e| e.0.is_empty()) {
        write!(code, "{c:?}, ").unwrap();
    }
    code.push_str("];\n");
    Ok(code)
}

fn pair(key: &str, value: &toml::Value) -> Result<(String, String), String> {
    let t = value.as_table().ok_or(format!("{key} must be a table with id and en"))?;
    let get = |lang: &str| {
        t.get(lang)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or(format!("{key} has no {lang} text"))
    };
    let (id, en) = (get("id")?, get("en")?);
    if let Some(extra) = t.keys().find(|k| *k != "id" && *k != "en") {
        return Err(format!("{key} has an unknown entry `{extra}`"));
    }
    if placeholders(&id) != placeholders(&en) {
        return Err(format!("{key}: the id and en texts have different {{placeholders}}"));
    }
    Ok((id, en))
}

fn placeholders(s: &str) -> Vec<&str> {
    let mut found: Vec<&str> = s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(name, _)| name)).collect();
    found.sort_unstable();
    found
}
