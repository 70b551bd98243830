//! `cargo xtask map [GUIDE]`: each guide drawn as a graph from content/ alone, for editors, by
//! Graphviz (`dot -Tsvg`, Debian's `graphviz`): the layered layout a decision tree wants, from a
//! tool kept up for thirty years, rather than a young Rust layout crate. The graph itself is
//! `jmo_guide::map::dot`, the one the workspace draws walks on.

use crate::tools::{self, root, say};
use jmo_guide::{Guide, Language};
use std::path::PathBuf;

/// Writes `target/map/<guide>.svg` (Indonesian) and `<guide>.en.svg` for every guide, or `only`.
pub fn map(only: Option<&str>) -> Result<(), String> {
    tools::graphviz()?;
    let content = jmo_guide::load::load_checked(&root().join("content"))
        .map_err(|problems| problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))?;
    let guides: Vec<&Guide> = content.catalog.guides.iter().filter(|g| only.is_none_or(|id| *g.id == *id)).collect();
    if guides.is_empty() {
        let ids: Vec<&str> = content.catalog.guides.iter().map(|g| &*g.id).collect();
        return Err(format!("no guide {:?}; the guides are {}", only.unwrap_or_default(), ids.join(", ")));
    }
    let dir = root().join("target/map");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for guide in guides {
        for (lang, suffix) in [(Language::Id, ""), (Language::En, ".en")] {
            let svg = svg(guide, lang)?;
            let path: PathBuf = dir.join(format!("{}{suffix}.svg", guide.id));
            std::fs::write(&path, svg).map_err(|e| format!("{}: {e}", path.display()))?;
            say(&format!("{}: {} nodes → {}", guide.id, guide.nodes.len(), path.display()));
        }
    }
    Ok(())
}

/// The guide's map as SVG, laid out by `dot`.
pub fn svg(guide: &Guide, lang: Language) -> Result<String, String> {
    jmo_guide::map::svg(&jmo_guide::map::dot(guide, lang, None)).map_err(|e| format!("{}: {e}; `cargo xtask setup` installs Graphviz", guide.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_and_answer_of_every_guide_is_on_its_map() {
        let content = jmo_guide::load::load_checked(&root().join("content")).unwrap_or_else(|p| panic!("{p:?}"));
        for guide in content.catalog.guides.iter() {
            // Graphviz writes `-` as `&#45;` in SVG.
            let svg = svg(guide, Language::Id).unwrap_or_else(|e| panic!("{e}")).replace("&#45;", "-");
            for node in guide.nodes.iter() {
                assert!(svg.contains(&format!("id=\"node-{}\"", node.id)), "{}: node {} is not on the map", guide.id, node.id);
                // Its title, as Graphviz writes text into SVG (the first words: long ones wrap).
                let first: String = node.title.get(Language::Id).split_whitespace().take(2).collect::<Vec<_>>().join(" ");
                let escaped = first.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
                assert!(svg.contains(&escaped), "{}: the title of {} ({first:?}) is not on the map", guide.id, node.id);
                for option in node.options.iter() {
                    let id = format!("id=\"edge-{}.{}\"", node.id, option.id);
                    assert!(svg.contains(&id), "{}: the answer {}.{} is not on the map", guide.id, node.id, option.id);
                }
            }
            let edges = guide.nodes.iter().map(|n| n.options.len()).sum::<usize>();
            assert_eq!(svg.matches("class=\"edge\"").count(), edges, "{}: arrows other than the answers", guide.id);
            assert_eq!(svg.matches("class=\"node\"").count(), guide.nodes.len(), "{}: boxes other than the nodes", guide.id);
        }
    }
}
