//! Reading returned workbooks (`.xlsx`, `.xls`, `.ods`) into [`Submission`]s, with bounded
//! time and memory on hostile files, located diagnostics, and the duplicate rules.

#[allow(unused_imports)]
use super::Submission;
