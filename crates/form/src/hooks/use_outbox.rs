use jmo_outbox::Entry;
use yew::prelude::*;

use crate::delivery;

/// The complaints on this device, re-read whenever delivery changes one of them.
#[hook]
pub fn use_outbox() -> Vec<Entry> {
    let update = use_force_update();
    use_effect_with((), move |_| {
        delivery::start();
        let subscription = delivery::subscribe(move || update.force_update());
        move || drop(subscription)
    });
    // Read on every render: a handful of entries at most.
    delivery::entries()
}
