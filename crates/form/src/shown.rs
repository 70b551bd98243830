//! Which complaints a form on this page already shows (after its own submit), so that the list
//! of the device's complaints, elsewhere on the same page, does not show them twice.

use std::cell::RefCell;
use std::rc::Rc;

type Watchers = RefCell<Vec<(u32, Rc<dyn Fn()>)>>;

thread_local! {
    static SHOWN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static WATCHERS: Watchers = const { RefCell::new(Vec::new()) };
}

pub fn is_shown(id: &str) -> bool {
    SHOWN.with(|s| s.borrow().iter().any(|x| x == id))
}

/// A form starts (or stops) showing complaint `id`.
pub fn set_shown(id: &str, shown: bool) {
    SHOWN.with(|s| {
        let mut s = s.borrow_mut();
        s.retain(|x| x != id);
        if shown {
            s.push(id.to_owned());
        }
    });
    let watchers: Vec<Rc<dyn Fn()>> = WATCHERS.with(|w| w.borrow().iter().map(|(_, f)| f.clone()).collect());
    for f in watchers {
        f();
    }
}

/// Calls `f` after every change; dropping the result stops it.
pub fn watch(f: impl Fn() + 'static) -> Watch {
    let id = WATCHERS.with(|w| {
        let mut w = w.borrow_mut();
        let id = w.iter().map(|(i, _)| *i + 1).max().unwrap_or(1);
        w.push((id, Rc::new(f)));
        id
    });
    Watch(id)
}

pub struct Watch(u32);

impl Drop for Watch {
    fn drop(&mut self) {
        WATCHERS.with(|w| w.borrow_mut().retain(|(i, _)| *i != self.0));
    }
}
