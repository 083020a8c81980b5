mod books;
mod framework;
mod ingest;
mod libreoffice;
mod sample_data;
mod template;
pub mod util;
mod validate;
