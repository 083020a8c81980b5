mod framework;
mod report;
mod sample_data;
mod score;
mod template;
pub mod util;
