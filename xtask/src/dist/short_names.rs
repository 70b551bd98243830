//! Short names between a wasm and its wasm-bindgen glue. wasm-bindgen names each import after
//! the JS it calls plus a 16-hex hash (`__wbg_addEventListener_847fd86b8c33ec43`), and its own
//! exports much the same; each name is written twice, once in the wasm and once in the glue, and
//! the hashes do not compress. Renamed to one or two letters on both sides, the widget's first
//! load is about 3.6 KB gzip smaller.
//!
//! Renamed: every module name (the glue's import object keys), the fields imported from the
//! glue's own module (`./<name>_bg.js`; a snippet's fields are its real export names and stay),
//! and wasm-bindgen's internal exports (`__wbindgen_*`, `__externref_*`, closure trampolines).
//! The wasm is re-encoded with wasm-encoder from what wasmparser reads. The build fails if an old
//! name is left in the glue or a new one is missing from it, so a change in wasm-bindgen's output
//! cannot ship a glue that no longer matches its wasm.

use std::collections::HashMap;
use std::path::Path;

use wasm_encoder::reencode::{utils, Error, Reencode};

/// Rewrites `wasm` and `js` (wasm-bindgen's output for the same crate, not yet minified) in place.
pub(super) fn shorten_names(js_path: &Path, wasm_path: &Path) -> Result<(), String> {
    let read_err = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    let wasm = std::fs::read(wasm_path).map_err(|e| read_err(wasm_path, e))?;
    let js = std::fs::read_to_string(js_path).map_err(|e| read_err(js_path, e))?;
    let (wasm, js) = shorten(&wasm, &js).map_err(|e| format!("shortening names in {}: {e}", wasm_path.display()))?;
    std::fs::write(wasm_path, wasm).map_err(|e| read_err(wasm_path, e))?;
    std::fs::write(js_path, js).map_err(|e| read_err(js_path, e))
}

/// The renamed wasm and glue.
pub fn shorten(wasm: &[u8], js: &str) -> Result<(Vec<u8>, String), String> {
    let mut renamer = Renamer::default();
    let mut module = wasm_encoder::Module::new();
    renamer.parse_core_module(&mut module, wasmparser::Parser::new(0), wasm).map_err(|e| format!("{e:?}"))?;
    let wasm = module.finish();
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&wasm)
        .map_err(|e| format!("the renamed wasm does not validate: {e}"))?;

    let mut js = js.to_string();
    for (old, new) in &renamer.modules {
        // Only as an object key: the glue's `import … from "<module>"` keeps the real path.
        let (from, to) = (format!("\"{old}\":"), format!("\"{new}\":"));
        if !js.contains(&from) {
            return Err(format!("the glue has no import object for module {old}"));
        }
        js = js.replace(&from, &to);
    }
    for (old, new) in &renamer.fields {
        let replaced;
        (js, replaced) = replace_word(&js, old, new, |_| true);
        if replaced == 0 {
            return Err(format!("the glue does not define the import {old}"));
        }
    }
    for (old, new) in &renamer.exports {
        // Read as `wasm.<name>` only.
        js = replace_word(&js, old, new, |before| before == Some('.')).0;
    }
    // (The glue names a JS function after each closure trampoline it calls: that name stays.)
    let left_field = renamer.fields.keys().find(|old| contains_word(&js, old, |_| true));
    let left_export = || renamer.exports.keys().find(|old| contains_word(&js, old, |before| before == Some('.')));
    if let Some(old) = left_field.or_else(left_export) {
        return Err(format!("the glue still uses {old} somewhere the rename did not reach"));
    }
    Ok((wasm, js))
}

#[derive(Default)]
struct Renamer {
    /// old → new, for every module, the glue's own fields and wasm-bindgen's exports.
    modules: HashMap<String, String>,
    fields: HashMap<String, String>,
    exports: HashMap<String, String>,
    names: ShortNames,
}

impl Renamer {
    fn rename(map: &mut HashMap<String, String>, names: &mut ShortNames, old: &str) -> String {
        map.entry(old.to_string()).or_insert_with(|| names.next()).clone()
    }
}

impl Reencode for Renamer {
    type Error = std::convert::Infallible;

    fn parse_import_section(
        &mut self,
        imports: &mut wasm_encoder::ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        for import in section.into_imports() {
            let import = import?;
            let own_glue = import.module.starts_with("./") && import.module.ends_with("_bg.js");
            let module = Self::rename(&mut self.modules, &mut self.names, import.module);
            let field = if own_glue { Self::rename(&mut self.fields, &mut self.names, import.name) } else { import.name.to_string() };
            imports.import(&module, &field, self.entity_type(import.ty)?);
        }
        Ok(())
    }

    fn parse_export(&mut self, exports: &mut wasm_encoder::ExportSection, export: wasmparser::Export<'_>) -> Result<(), Error<Self::Error>> {
        let internal = ["__wbindgen_", "__externref_", "wasm_bindgen__"].iter().any(|p| export.name.starts_with(p));
        if !internal {
            return utils::parse_export(self, exports, export);
        }
        let name = Self::rename(&mut self.exports, &mut self.names, export.name);
        exports.export(&name, self.export_kind(export.kind)?, self.external_index(export.kind, export.index)?);
        Ok(())
    }
}

/// `a`…`Z`, then `aa`…`Z9`: identifiers, none a JS keyword, one namespace for all (a module,
/// a field and an export never share a name, which keeps the glue's replacements unambiguous).
#[derive(Default)]
struct ShortNames(usize);

impl ShortNames {
    fn next(&mut self) -> String {
        const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        loop {
            let mut n = self.0;
            self.0 += 1;
            let mut name = String::from(FIRST[n % FIRST.len()] as char);
            n /= FIRST.len();
            while n > 0 {
                n -= 1;
                name.push(REST[n % REST.len()] as char);
                n /= REST.len();
            }
            if !["do", "if", "in"].contains(&name.as_str()) {
                return name;
            }
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Each occurrence of `word` as a whole identifier whose preceding character passes `before`.
fn word_positions<'a>(text: &'a str, word: &'a str, before: impl Fn(Option<char>) -> bool + 'a) -> impl Iterator<Item = usize> + 'a {
    text.match_indices(word).map(|(i, _)| i).filter(move |&i| {
        let prev = text[..i].chars().next_back();
        let next = text[i + word.len()..].chars().next();
        !prev.is_some_and(is_ident) && !next.is_some_and(is_ident) && before(prev)
    })
}

fn contains_word(text: &str, word: &str, before: impl Fn(Option<char>) -> bool) -> bool {
    word_positions(text, word, before).next().is_some()
}

/// `text` with those occurrences replaced by `new`, and how many there were.
fn replace_word(text: &str, word: &str, new: &str, before: impl Fn(Option<char>) -> bool) -> (String, usize) {
    let positions: Vec<usize> = word_positions(text, word, before).collect();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for &i in &positions {
        out.push_str(&text[last..i]);
        out.push_str(new);
        last = i + word.len();
    }
    out.push_str(&text[last..]);
    (out, positions.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_unique_identifiers() {
        let mut names = ShortNames::default();
        let all: Vec<String> = (0..4000).map(|_| names.next()).collect();
        assert_eq!(&all[..3], ["a", "b", "c"]);
        assert!(all[..52].iter().all(|n| n.len() == 1));
        assert!(all.iter().all(|n| n.len() <= 3 && n.chars().next().unwrap().is_ascii_alphabetic()));
        let unique: std::collections::HashSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
        assert!(!all.iter().any(|n| n == "do" || n == "if" || n == "in"));
    }

    #[test]
    fn replaces_whole_identifiers_only() {
        let js = "x.__wbg_a_1(); __wbg_a_12: f, __wbg_a_1: g, y__wbg_a_1";
        assert_eq!(replace_word(js, "__wbg_a_1", "b", |_| true), ("x.b(); __wbg_a_12: f, b: g, y__wbg_a_1".to_string(), 2));
        assert_eq!(replace_word(js, "__wbg_a_1", "b", |p| p == Some('.')), ("x.b(); __wbg_a_12: f, __wbg_a_1: g, y__wbg_a_1".to_string(), 1));
    }
}
