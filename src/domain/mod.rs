//! Plain types and rules: no I/O here.

pub mod alert_facts;
pub mod alerts;
pub mod command;
pub mod date;
pub mod fields;
pub mod id;
pub mod kinds;
pub mod limits;
pub mod uscc;
pub mod val;
pub mod workflow;

pub use command::Command;
pub use date::Date;
pub use id::Id;
pub use val::Val;
