//! Building blocks shared by the pages.

mod form;
mod nav;
mod page;

pub use form::{CsrfField, FieldMessage, FieldState, FormAlert, LiveInput, SubmitButton};
pub use nav::Nav;
pub use page::Page;
