//! A guide as a graph for Graphviz (`dot -Tsvg`): a box per node, an arrow per answer, and —
//! given the walks of a period — each arrow as thick as the walks that took it and each node
//! saying how many walks ended there, and how. Node `q` is drawn with the SVG id `node-q`, the
//! answer `a` of `q` with `edge-q.a`, so tests and pages can find them. Texts come from content
//! and are escaped here; Graphviz escapes them again for SVG.

use std::fmt::Write;

use jmo_contract::GuideStats;

use crate::model::{Guide, Language, NodeKind};

/// What a map of walks says, in the map's language (from content, by the caller).
#[derive(Clone, Copy, Debug)]
pub struct MapTexts<'a> {
    /// `{n}` walks reached this node.
    pub visits: &'a str,
    /// Ended here: `{resolved}` resolved, `{escalated}` escalated (`{delivered}` delivered), `{left}` left.
    pub ended: &'a str,
}

/// The DOT text of `guide`'s map in `lang`, with the walks of `stats` if given.
pub fn dot(guide: &Guide, lang: Language, stats: Option<(&GuideStats, MapTexts<'_>)>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quoted(&guide.id));
    out.push_str("  graph [rankdir=TB, fontname=\"sans-serif\", nodesep=0.3, ranksep=0.45];\n");
    out.push_str("  node [shape=box, style=\"rounded,filled\", fontname=\"sans-serif\", fontsize=11, color=\"#4a4a4a\", fillcolor=\"#ffffff\"];\n");
    out.push_str("  edge [fontname=\"sans-serif\", fontsize=10, color=\"#4a4a4a\", fontcolor=\"#1f1f1f\"];\n");
    let busiest = stats.map_or(0, |(s, _)| s.edges.iter().map(|e| e.walks).max().unwrap_or(0));
    for node in guide.nodes.iter() {
        let (fill, border) = match node.kind {
            NodeKind::Resolved => ("#e3f4e6", "#1d6b2f"),
            NodeKind::Escalate(_) => ("#fdf0d8", "#8a5300"),
            _ => ("#ffffff", "#4a4a4a"),
        };
        let mut label = wrap(node.title.get(lang), 30);
        if let Some((stats, texts)) = stats {
            let found = stats.nodes.iter().find(|n| *n.node == *node.id);
            let (visits, ended) = found.map_or((0, Default::default()), |n| (n.visits, n.ended));
            let _ = write!(label, "\n\n{}", texts.visits.replace("{n}", &visits.to_string()));
            if ended.walks > 0 {
                let line = texts
                    .ended
                    .replace("{resolved}", &ended.resolved.to_string())
                    .replace("{escalated}", &ended.escalated.to_string())
                    .replace("{delivered}", &ended.delivered.to_string())
                    .replace("{left}", &ended.left.to_string());
                let _ = write!(label, "\n{}", wrap(&line, 34));
            }
        }
        let start = if *node.id == *guide.start { ", penwidth=2" } else { "" };
        let _ = writeln!(
            out,
            "  {} [id={}, label={}, fillcolor=\"{fill}\", color=\"{border}\"{start}];",
            quoted(&node.id),
            quoted(&format!("node-{}", node.id)),
            quoted(&label)
        );
    }
    for node in guide.nodes.iter() {
        for option in node.options.iter() {
            let Some(target) = guide.resolve(&option.next).map(|i| &guide.nodes[i].id) else { continue };
            let mut label = wrap(option.label.get(lang), 24);
            let mut width = 1.0;
            if let Some((stats, _)) = stats {
                let walks = stats.edges.iter().find(|e| *e.node == *node.id && *e.answer == *option.id).map_or(0, |e| e.walks);
                let _ = write!(label, " ({walks})");
                if busiest > 0 {
                    width += 7.0 * walks as f64 / busiest as f64;
                }
            }
            let _ = writeln!(
                out,
                "  {} -> {} [id={}, label={}, penwidth={width:.2}];",
                quoted(&node.id),
                quoted(target),
                quoted(&format!("edge-{}.{}", node.id, option.id)),
                quoted(&label)
            );
        }
    }
    out.push_str("}\n");
    out
}

/// Lays `dot_source` out with Graphviz (`dot -Tsvg`, which must be on `PATH`) into SVG.
#[cfg(feature = "graphviz")]
pub fn svg(dot_source: &str) -> Result<String, String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("dot (Graphviz): {e}"))?;
    let mut stdin = child.stdin.take().ok_or("dot: no stdin")?;
    let source = dot_source.to_owned();
    // Written on its own thread, so that neither side blocks on a full pipe.
    let writer = std::thread::spawn(move || stdin.write_all(source.as_bytes()));
    let out = child.wait_with_output().map_err(|e| format!("dot: {e}"))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(format!("dot failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("dot wrote no UTF-8: {e}"))
}

/// A DOT string: backslashes (Graphviz's own escapes, `\N` and so on) and quotes escaped,
/// line breaks as `\n`, other control characters dropped.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Breaks `text` into lines of about `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_backslashes_and_graphviz_escapes_cannot_leave_a_label() {
        assert_eq!(quoted(r#"a "b" \N c"#), r#""a \"b\" \\N c""#);
        assert_eq!(quoted("x\ny\u{7}"), r#""x\ny""#);
    }

    #[test]
    fn long_titles_wrap_at_spaces() {
        assert_eq!(wrap("Kode OTP tidak masuk ke nomor HP saya", 16), "Kode OTP tidak\nmasuk ke nomor\nHP saya");
    }
}
