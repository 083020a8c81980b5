mod books;
mod framework;
mod ingest;
pub mod util;
