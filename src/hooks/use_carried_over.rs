use yew::prelude::*;

/// After the first render of a widget that took over the server's page, puts back the focus, the
/// typed values and the scroll position it had ([`crate::take_over`]).
#[hook]
pub fn use_carried_over() {
    use_effect_with((), |_| {
        #[cfg(feature = "csr")]
        crate::take_over::restore();
    });
}
