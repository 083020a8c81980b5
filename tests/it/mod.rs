mod framework;
mod score;
pub mod util;
