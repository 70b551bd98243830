//! Compiling content into Rust source: the widget's build script writes the catalog as static
//! data, so the wasm ships no parser and the guides work offline once the page has loaded; the
//! widget's and the form's build scripts write their text tables with [`text_table`].

use std::fmt::Write;

use crate::model::*;

/// A table of texts as Rust: `pub struct <name>` with one `&'static str` field per key (`doc`, a
/// `///` line, above it), and per language a `pub static <static_name>: <name>` holding that
/// language's texts. The widget's `Shell` (content/ui.toml) and the form's `Texts`
/// (content/form.toml) are both written by it.
pub fn text_table(doc: &str, name: &str, texts: &[(String, Localized)], statics: &[(&str, Language)]) -> String {
    let mut out = format!("{doc}\npub struct {name} {{\n");
    for (key, _) in texts {
        let _ = writeln!(out, "    pub {key}: &'static str,");
    }
    out.push_str("}\n");
    for &(static_name, lang) in statics {
        let _ = writeln!(out, "pub static {static_name}: {name} = {name} {{");
        for (key, text) in texts {
            let _ = writeln!(out, "    {key}: {:?},", text.get(lang));
        }
        out.push_str("};\n");
    }
    out
}

/// A Rust expression of type `Catalog` built only from `'static` borrowed data.
pub fn catalog_expr(catalog: &Catalog) -> String {
    let mut out = String::new();
    catalog.emit(&mut out);
    out
}

trait Emit {
    fn emit(&self, out: &mut String);
}

fn text(out: &mut String, value: &str) {
    // `{:?}` of a str is a valid Rust string literal.
    let _ = write!(out, "::std::borrow::Cow::Borrowed({value:?})");
}

fn list<T: Emit>(out: &mut String, items: &[T]) {
    out.push_str("::std::borrow::Cow::Borrowed(&[");
    for item in items {
        item.emit(out);
        out.push(',');
    }
    out.push_str("])");
}

fn field(out: &mut String, name: &str, value: &dyn Emit) {
    out.push_str(name);
    out.push_str(": ");
    value.emit(out);
    out.push(',');
}

impl Emit for str {
    fn emit(&self, out: &mut String) {
        text(out, self)
    }
}

impl Emit for Text {
    fn emit(&self, out: &mut String) {
        text(out, self)
    }
}

impl<T: Emit + Clone> Emit for List<T> {
    fn emit(&self, out: &mut String) {
        list(out, self)
    }
}

impl<A: Emit, B: Emit> Emit for (A, B) {
    fn emit(&self, out: &mut String) {
        out.push('(');
        self.0.emit(out);
        out.push(',');
        self.1.emit(out);
        out.push(')');
    }
}

impl<T: Emit> Emit for Option<T> {
    fn emit(&self, out: &mut String) {
        match self {
            Some(value) => {
                out.push_str("Some(");
                value.emit(out);
                out.push(')');
            }
            None => out.push_str("None"),
        }
    }
}

impl Emit for Localized {
    fn emit(&self, out: &mut String) {
        out.push_str("Localized{");
        field(out, "id", &self.id);
        field(out, "en", &self.en);
        out.push('}');
    }
}

impl Emit for Catalog {
    fn emit(&self, out: &mut String) {
        out.push_str("Catalog{");
        field(out, "version", &self.version);
        field(out, "start", &self.start);
        field(out, "guides", &self.guides);
        field(out, "channels", &self.channels);
        field(out, "texts", &self.texts);
        field(out, "calendar", &self.calendar);
        field(out, "search", &self.search);
        out.push('}');
    }
}

impl Emit for StartScreen {
    fn emit(&self, out: &mut String) {
        out.push_str("StartScreen{");
        field(out, "title", &self.title);
        field(out, "intro", &self.intro);
        field(out, "guides", &self.guides);
        out.push('}');
    }
}

impl Emit for Channel {
    fn emit(&self, out: &mut String) {
        out.push_str("Channel{");
        field(out, "id", &self.id);
        field(out, "label", &self.label);
        field(out, "note", &self.note);
        field(out, "href", &self.href);
        out.push('}');
    }
}

impl Emit for Guide {
    fn emit(&self, out: &mut String) {
        out.push_str("Guide{");
        field(out, "id", &self.id);
        field(out, "title", &self.title);
        field(out, "summary", &self.summary);
        field(out, "start", &self.start);
        field(out, "nodes", &self.nodes);
        field(out, "redirects", &self.redirects);
        out.push('}');
    }
}

impl Emit for Node {
    fn emit(&self, out: &mut String) {
        out.push_str("Node{");
        field(out, "id", &self.id);
        field(out, "kind", &self.kind);
        field(out, "title", &self.title);
        field(out, "body", &self.body);
        field(out, "steps", &self.steps);
        field(out, "links", &self.links);
        field(out, "channels", &self.channels);
        field(out, "keywords", &self.keywords);
        field(out, "options", &self.options);
        out.push('}');
    }
}

impl Emit for NodeKind {
    fn emit(&self, out: &mut String) {
        match self {
            NodeKind::Question => out.push_str("NodeKind::Question"),
            NodeKind::Step => out.push_str("NodeKind::Step"),
            NodeKind::Date => out.push_str("NodeKind::Date"),
            NodeKind::Resolved => out.push_str("NodeKind::Resolved"),
            NodeKind::Escalate(e) => {
                out.push_str("NodeKind::Escalate(Escalation{");
                field(out, "category", &e.category);
                let _ = write!(out, "urgency:Urgency::{:?},", e.urgency);
                field(out, "attachments", &e.attachments);
                out.push_str("})");
            }
        }
    }
}

impl Emit for Category {
    fn emit(&self, out: &mut String) {
        let _ = write!(out, "Category::{self:?}");
    }
}

impl Emit for AttachmentKind {
    fn emit(&self, out: &mut String) {
        let _ = write!(out, "AttachmentKind::{self:?}");
    }
}

impl Emit for Choice {
    fn emit(&self, out: &mut String) {
        out.push_str("Choice{");
        field(out, "id", &self.id);
        field(out, "label", &self.label);
        field(out, "next", &self.next);
        field(out, "below", &self.below);
        field(out, "date_text", &self.date_text);
        out.push('}');
    }
}

impl Emit for Limit {
    fn emit(&self, out: &mut String) {
        let _ = write!(out, "Limit::{self:?}");
    }
}

impl Emit for ExternalLink {
    fn emit(&self, out: &mut String) {
        out.push_str("ExternalLink{");
        field(out, "label", &self.label);
        field(out, "href", &self.href);
        out.push('}');
    }
}

impl Emit for Calendar {
    fn emit(&self, out: &mut String) {
        out.push_str("::jmo_guide::date::Calendar{");
        field(out, "years", &self.years);
        field(out, "month_names", &self.month_names);
        out.push('}');
    }
}

impl Emit for HolidayYear {
    fn emit(&self, out: &mut String) {
        out.push_str("::jmo_guide::date::HolidayYear{");
        let _ = write!(out, "year:{},estimated:{},", self.year, self.estimated);
        field(out, "source", &self.source);
        field(out, "days", &self.days);
        out.push('}');
    }
}

impl Emit for DayOff {
    fn emit(&self, out: &mut String) {
        let d = self.date;
        let _ = write!(
            out,
            "::jmo_guide::date::DayOff{{date:::jmo_guide::date::Date{{year:{},month:{},day:{}}},kind:::jmo_guide::date::DayOffKind::{:?},",
            d.year, d.month, d.day, self.kind
        );
        field(out, "name", &self.name);
        out.push('}');
    }
}

impl Emit for SearchWords {
    fn emit(&self, out: &mut String) {
        out.push_str("::jmo_guide::SearchWords{");
        field(out, "synonyms", &self.synonyms);
        field(out, "stopwords", &self.stopwords);
        out.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_table_is_a_struct_and_one_static_per_language() {
        let texts = vec![("submit".to_owned(), Localized { id: "Kirim \"ini\"".into(), en: "Send".into() })];
        let code = text_table("/// The texts.", "Texts", &texts, &[("ID", Language::Id), ("EN", Language::En)]);
        assert_eq!(
            code,
            "/// The texts.\npub struct Texts {\n    pub submit: &'static str,\n}\n\
             pub static ID: Texts = Texts {\n    submit: \"Kirim \\\"ini\\\"\",\n};\n\
             pub static EN: Texts = Texts {\n    submit: \"Send\",\n};\n"
        );
    }
}
