mod books;
mod framework;
mod ingest;
mod libreoffice;
mod score;
pub mod util;
mod validate;
