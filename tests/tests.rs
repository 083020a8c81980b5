//! End-to-end tests: one binary that runs the real `posture` command in temporary folders.

mod it;
