use jmo_contract::WalkOutcome;
use jmo_guide::link::Link;
use jmo_guide::NodeKind;
use yew::prelude::*;

use crate::browser;
use crate::content::HEAD;
use crate::state::{Screen, Store};

/// Tells `on_demand.js` what is on screen: the step by its link without language or embedding
/// (ids only) and how a walk that ends there ends. From it the hosting page or app, if any,
/// hears of each step and resolution (`host.js` drops repeats), and the walk's one anonymous
/// report follows the walk (docs/learning.md). Nothing the participant typed is ever passed.
#[hook]
pub fn use_shown(state: &Store) {
    let shown = match &state.screen {
        Screen::Step { guide, walk, .. } => {
            let outcome = match walk.current_node(guide).kind {
                NodeKind::Resolved => WalkOutcome::Resolved,
                NodeKind::Escalate(_) => WalkOutcome::Escalated,
                _ => WalkOutcome::Left,
            };
            (Link::to_step(guide, walk).encode(), outcome.as_str())
        }
        _ => (String::new(), ""),
    };
    use_effect_with((shown, state.lang), |((step, outcome), lang)| browser::shown(step, outcome, &HEAD.version, lang.as_str()));
}
