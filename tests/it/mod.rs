mod framework;
mod template;
pub mod util;
