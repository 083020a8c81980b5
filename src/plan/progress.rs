//! plan_progress.
