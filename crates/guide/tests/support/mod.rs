//! What the shipped-content tests share.

use jmo_guide::walk::Walk;
use jmo_guide::Guide;

/// Every answer sequence from the start of `guide` (date nodes: every branch), each ending
/// where it stops.
pub fn all_walks(guide: &Guide) -> Vec<Walk> {
    let mut done = Vec::new();
    let mut pending = vec![Walk::start(guide)];
    while let Some(walk) = pending.pop() {
        let node = walk.current_node(guide);
        if node.options.is_empty() {
            done.push(walk);
            continue;
        }
        for option in 0..node.options.len() {
            pending.push(walk.choose_index(guide, option).expect("validated content"));
        }
        assert!(done.len() + pending.len() < 100_000, "path explosion in {}", guide.id);
    }
    done
}
