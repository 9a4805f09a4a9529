//! The web server: startup, the router and its middleware order, security
//! headers, status fixes, and the mailed links handled before any page.

pub mod api_status;
pub mod limits;
pub mod links;
pub mod router;
pub mod security_headers;
pub mod serve;
pub mod session_guard;
pub mod session_layer;
