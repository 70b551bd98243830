use yew::prelude::*;

use crate::content::{ui, Ui};
use crate::state::State;

/// The app state, shared through context by [`crate::App`].
#[hook]
pub fn use_app() -> UseReducerHandle<State> {
    use_context::<UseReducerHandle<State>>().expect("components render inside App")
}

/// The app's texts in the current language.
#[hook]
pub fn use_ui() -> &'static Ui {
    ui(use_app().lang)
}
