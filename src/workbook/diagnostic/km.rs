//! Diagnostics in Khmer. Until every kind has its Khmer sentence, the English one.

use super::{Diagnostic, Rendered};

pub fn render(d: &Diagnostic) -> Rendered {
    super::en::render(d)
}
