//! Reading returned action plans.
