mod framework;
mod report;
pub mod util;
