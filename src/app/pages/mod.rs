//! One module per route.

mod dashboard;
mod home;
mod login;
mod not_found;
mod signup;

pub use dashboard::DashboardPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use signup::SignupPage;
