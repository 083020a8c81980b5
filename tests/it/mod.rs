mod framework;
pub mod util;
