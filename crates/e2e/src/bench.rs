//! What the benchmarks (`speed`, `lighthouse`) share: the pages they load and the static floor
//! they compare them with.

use std::path::Path;

use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::{Catalog, Guide, Language};

use crate::{guides, walks_to_outcomes};

/// The deep link both benchmarks load: the middle of the longest way through a guide (with the
/// answers that lead there).
pub struct DeepLink<'a> {
    pub guide: &'a Guide,
    /// The walk to the step the link opens.
    pub at: Walk,
    /// Steps on the longest way (its answers + 1).
    pub way_len: usize,
    /// Path and query: `/jht/apply_in_app?a=…`.
    pub address: String,
}

impl DeepLink<'_> {
    /// The step's heading in Indonesian (what the page shows without `lang=`).
    pub fn title(&self) -> String {
        self.at.current_node(self.guide).title.get(Language::Id).to_owned()
    }

    /// Its place on the way: `step 4 of 7`.
    pub fn place(&self) -> String {
        format!("step {} of {}", self.at.answers().len() + 1, self.way_len)
    }
}

pub fn deep_link(catalog: &Catalog) -> DeepLink<'_> {
    let (guide, walk) = guides(catalog)
        .into_iter()
        .flat_map(|g| walks_to_outcomes(g).into_iter().map(move |w| (g, w)))
        .max_by_key(|(_, w)| w.answers().len())
        .expect("a guide");
    let at = walk.rewind_to(walk.answers().len() / 2);
    let address = Link::to_step(guide, &at).encode();
    DeepLink { guide, at, way_len: walk.answers().len() + 1, address }
}

/// The floor: the same pages, drawn by the same server, with no script at all — the widget's
/// `index.html` without its scripts, preloads and boot links as the shell (its stylesheet stays inline), so
/// every page shows the same question as plain HTML and every answer is a page load. Serve `dir`
/// as the server's widget folder. No view is written twice.
pub fn write_static_site(dir: &Path, dist: &Path) {
    let mut index = std::fs::read_to_string(dist.join("index.html")).expect("dist/index.html");
    while let Some(start) = index.find("<script") {
        let end = index[start..].find("</script>").map(|i| start + i + "</script>".len()).expect("a closed <script>");
        index.replace_range(start..end, "");
    }
    let mut rest = String::with_capacity(index.len());
    let mut tail = index.as_str();
    while let Some(start) = tail.find("<link") {
        let end = tail[start..].find('>').map(|i| start + i + 1).unwrap_or(tail.len());
        rest.push_str(&tail[..start]);
        if !tail[start..end].contains("preload") && !tail[start..end].contains("data-boot") {
            rest.push_str(&tail[start..end]);
        }
        tail = &tail[end..];
    }
    rest.push_str(tail);
    std::fs::write(dir.join("index.html"), rest).expect("write the static shell");
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    let mid = v.len() / 2;
    if v.len() % 2 == 1 { v[mid] } else { (v[mid - 1] + v[mid]) / 2.0 }
}

pub fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}
