use std::cell::{Cell, RefCell};

use jmo_contract::Language;
use yew::prelude::*;

thread_local! {
    static LANG: Cell<Language> = const { Cell::new(Language::Id) };
    static FOLLOWERS: RefCell<Vec<(u32, Callback<Language>)>> = const { RefCell::new(Vec::new()) };
    static NEXT_FOLLOWER: Cell<u32> = const { Cell::new(0) };
}

/// The language the guide widget gives: with every `mount`, and through `language` whenever the
/// participant switches (both in src/main.rs). Every part of the form on the page follows it.
pub fn set_lang(lang: Language) {
    if LANG.replace(lang) != lang {
        let followers: Vec<Callback<Language>> = FOLLOWERS.with(|f| f.borrow().iter().map(|(_, c)| c.clone()).collect());
        for follower in followers {
            follower.emit(lang);
        }
    }
}

/// The language to draw in: the widget's (see [`set_lang`]). On the server, the language given
/// by a `ContextProvider<Language>` (see [`crate::ssr`]).
#[hook]
pub fn use_lang() -> Language {
    let given = use_context::<Language>();
    let lang = use_state_eq(move || given.unwrap_or_else(|| LANG.get()));
    {
        let lang = lang.clone();
        use_effect_with((), move |_| {
            let id = NEXT_FOLLOWER.replace(NEXT_FOLLOWER.get() + 1);
            // A switch between the first render and this effect.
            lang.set(LANG.get());
            FOLLOWERS.with(|f| f.borrow_mut().push((id, Callback::from(move |l| lang.set(l)))));
            move || FOLLOWERS.with(|f| f.borrow_mut().retain(|(i, _)| *i != id))
        });
    }
    *lang
}
