//! The answers that led to a step, as step links write them: `node.answer~node.answer`, ids
//! only. The link codec (`jmo_guide::link`) and the escalation handed to the complaint form
//! ([`crate::escalation`]) both read and write this syntax here. (`#[inline]`: drawn into the
//! caller's crate, these share its string-search code instead of bringing a second copy into the
//! widget's wasm.)

use crate::PathStep;

/// Longest id (guide, node or answer) a link or an escalation may name.
pub const MAX_ID_LEN: usize = 48;

/// An id of the guides: lowercase letters, digits, `_` and `-`, at most [`MAX_ID_LEN`] bytes.
#[inline]
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// A pair without its `.`, or an id that is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadStep;

/// Appends `steps` to `out` in the path syntax.
#[inline]
pub fn write(steps: &[PathStep], out: &mut String) {
    for (i, step) in steps.iter().enumerate() {
        if i > 0 {
            out.push('~');
        }
        out.push_str(&step.node);
        out.push('.');
        out.push_str(&step.answer);
    }
}

/// Reads the steps; empty pairs (`a~~b`) are skipped, anything else malformed is an error. (The
/// caller limits the text's length, and so the number of steps.)
#[inline]
pub fn read(text: &str) -> Result<Vec<PathStep>, BadStep> {
    let mut steps = Vec::new();
    for pair in text.split('~').filter(|p| !p.is_empty()) {
        let (node, answer) = pair.split_once('.').ok_or(BadStep)?;
        if !is_valid_id(node) || !is_valid_id(answer) {
            return Err(BadStep);
        }
        steps.push(PathStep { node: node.to_owned(), answer: answer.to_owned() });
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(node: &str, answer: &str) -> PathStep {
        PathStep { node: node.into(), answer: answer.into() }
    }

    #[test]
    fn round_trips() {
        let steps = vec![step("start", "no"), step("check_2", "yes-now")];
        let mut text = String::new();
        write(&steps, &mut text);
        assert_eq!(text, "start.no~check_2.yes-now");
        assert_eq!(read(&text), Ok(steps));
        assert_eq!(read(""), Ok(vec![]));
        assert_eq!(read("~a.b~~"), Ok(vec![step("a", "b")]));
    }

    #[test]
    fn refuses_what_is_not_a_path() {
        assert_eq!(read("start"), Err(BadStep));
        assert_eq!(read("Start.no"), Err(BadStep));
        assert_eq!(read("start.n o"), Err(BadStep));
        assert_eq!(read(&format!("{}.x", "a".repeat(MAX_ID_LEN + 1))), Err(BadStep));
    }
}
