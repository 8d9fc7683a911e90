//! The grammar of the survey loop, alert and import commands.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TasksArgs {
    #[command(subcommand)]
    pub cmd: Option<TasksSub>,
    /// community | economic | party | district
    #[arg(long)]
    pub office: Option<String>,
    /// Only tasks due before this day.
    #[arg(long)]
    pub due_before: Option<String>,
    /// Closed tasks too.
    #[arg(long)]
    pub all: bool,
    #[arg(long, default_value = "text")]
    pub format: String,
}

#[derive(Subcommand, Debug)]
pub enum TasksSub {
    /// Make half-year update tasks for organizations not verified this cycle.
    Generate,
}

#[derive(Subcommand, Debug)]
pub enum TaskCmd {
    /// Add a survey task for an organization or a community.
    Add {
        /// half-year | registration | ad-hoc | organize | follow-up
        #[arg(long)]
        kind: String,
        #[arg(long)]
        org: Option<String>,
        /// A community ("find new ones there"); with --street when the name repeats.
        #[arg(long)]
        community: Option<String>,
        #[arg(long)]
        street: Option<String>,
        /// report | survey | cover | follow-up (default: where the kind starts)
        #[arg(long)]
        stage: Option<String>,
        /// Default: --on plus the stage limit (stage_overdue_days).
        #[arg(long)]
        due: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Hand the task to the next stage of the loop and its office.
    Advance {
        task: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Close the task, whatever its stage.
    Close {
        task: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Give the task to another office.
    Reassign {
        task: String,
        #[arg(long)]
        office: String,
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Args, Debug)]
pub struct AlertsArgs {
    /// One rule's alerts (its id, e.g. new_member_hire).
    #[arg(long)]
    pub rule: Option<String>,
    /// One group listed whole: first-time, backlog or routine.
    #[arg(long)]
    pub group: Option<String>,
    /// Dismissed and resolved alerts too.
    #[arg(long)]
    pub all: bool,
    #[arg(long, default_value = "text")]
    pub format: String,
}

#[derive(Subcommand, Debug)]
pub enum AlertCmd {
    /// Hide an alert until a day (audited).
    Snooze {
        alert: String,
        #[arg(long)]
        until: String,
    },
    /// Dismiss an alert; --reason is required (audited).
    Dismiss { alert: String },
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// A registration list: CSV or XLSX.
    pub file: PathBuf,
    /// The street for rows that name none.
    #[arg(long)]
    pub street: Option<String>,
    /// Print the summary, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// auto | utf-8 | gbk | gb18030 (CSV only)
    #[arg(long, default_value = "auto")]
    pub encoding: String,
}
