//! liangxin: the ledger of "two new organizations" (两新组织) and their
//! party-organization coverage. The binary is a thin shell over this library so
//! that tests and benches drive the same code the cadres use.

pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod import;
pub mod report;
pub mod store;
pub mod sync;
pub mod text;
pub mod tui;

pub use error::{Error, Result};
