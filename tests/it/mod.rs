mod books;
mod framework;
mod ingest;
mod libreoffice;
pub mod util;
mod validate;
