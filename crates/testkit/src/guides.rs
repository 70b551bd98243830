//! Steps of the shipped guides that tests open by address.

use jmo_guide::walk::Walk;
use jmo_guide::{Catalog, Guide, NodeKind};

/// The first escalation (complaint form) of the start screen's guides, and the shortest walk to it.
pub fn first_escalation(catalog: &Catalog) -> (&Guide, Walk) {
    catalog
        .start_guides()
        .find_map(|g| {
            let index = g.nodes.iter().position(|n| matches!(n.kind, NodeKind::Escalate(_)))?;
            Some((g, Walk::shortest_to(g, index)?))
        })
        .expect("the shipped guides have an escalation")
}
