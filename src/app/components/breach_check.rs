//! Asks the server whether a new password appears in a known breach (the
//! list is far too big for the browser bundle). Asked when the field is
//! left, not on every keystroke; the server decides again on submit.

use leptos::prelude::*;

use crate::auth::{
    api::CheckPassword,
    validation::{nfkc, BREACHED_MESSAGE},
};

/// One field's breach check.
#[derive(Clone, Copy)]
pub struct BreachCheck {
    action: ServerAction<CheckPassword>,
    checked: RwSignal<String>,
}

impl BreachCheck {
    /// Must be created inside a route component (it holds a server action).
    pub fn new() -> BreachCheck {
        BreachCheck {
            action: ServerAction::new(),
            checked: RwSignal::new(String::new()),
        }
    }

    /// Asks about `password`.
    pub fn ask(&self, password: String) {
        let password = nfkc(&password);
        if password != self.checked.get_untracked() {
            self.checked.set(password.clone());
            self.action.dispatch(CheckPassword { password });
        }
    }

    /// The refusal, if the server said `password` is breached.
    pub fn verdict(&self, password: &str) -> Result<(), String> {
        let breached = !self.action.pending().get()
            && self.checked.get() == nfkc(password)
            && matches!(self.action.value().get(), Some(Ok(true)));
        if breached {
            Err(BREACHED_MESSAGE.into())
        } else {
            Ok(())
        }
    }
}

impl Default for BreachCheck {
    fn default() -> BreachCheck {
        BreachCheck::new()
    }
}
