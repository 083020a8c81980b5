mod books;
mod framework;
mod ingest;
mod libreoffice;
mod sample_data;
mod score;
mod template;
pub mod util;
mod validate;
