use jmo_guide::NodeKind;
use yew::prelude::*;

use crate::host;
use crate::state::{Screen, Store};

/// Tells the hosting page or app, if any (`host.js` does the talking and drops repeats), what is
/// on screen: the first call says the widget is ready, then each step and each resolution.
#[hook]
pub fn use_host(state: &Store) {
    let shown = match &state.screen {
        Screen::Step { guide, walk, .. } => {
            let node = walk.current_node(guide);
            (guide.id.to_string(), node.id.to_string(), matches!(node.kind, NodeKind::Resolved))
        }
        _ => Default::default(),
    };
    use_effect_with(shown, |(guide, node, resolved)| host::show(guide, node, *resolved));
}
