//! One module per route.

mod activity;
mod check_email;
mod confirm_password;
mod dashboard;
mod forgot_password;
mod home;
mod login;
mod not_found;
mod reset_password;
mod sessions;
mod settings;
mod signup;
mod verify_email;

pub use activity::ActivityPage;
pub use check_email::CheckEmailPage;
pub use confirm_password::ConfirmPasswordPage;
pub use dashboard::DashboardPage;
pub use forgot_password::ForgotPasswordPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use reset_password::ResetPasswordPage;
pub use sessions::SessionsPage;
pub use settings::SettingsPage;
pub use signup::SignupPage;
pub use verify_email::VerifyEmailPage;
