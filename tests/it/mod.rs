mod framework;
mod sample_data;
mod template;
pub mod util;
