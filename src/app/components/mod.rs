//! Building blocks shared by the pages.

mod breach_check;
mod form;
mod nav;
mod new_password;
mod page;

pub use breach_check::BreachCheck;
pub use form::{
    action_error, field_message, on_server_answer, CsrfField, FieldMessage, FieldState, FormAlert,
    LiveInput, SubmitButton,
};
pub use nav::Nav;
pub use new_password::{NewPasswordInputs, PasswordHint};
pub use page::Page;
