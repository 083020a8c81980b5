mod framework;
mod report;
mod score;
pub mod util;
