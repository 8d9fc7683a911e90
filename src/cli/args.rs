//! The command-line grammar. Values that need checking (dates, numbers,
//! vocabularies) arrive as strings and are parsed by the domain, so every
//! refusal names the field and the value the same way.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use super::args_loop::{AlertCmd, AlertsArgs, ImportArgs, TaskCmd, TasksArgs, TasksSub};

#[derive(Parser, Debug)]
#[command(
    name = "liangxin",
    version,
    about = "两新组织党建台账 — ledger of two-new organizations and their party-organization coverage"
)]
pub struct Cli {
    /// The database file (default: the platform data directory).
    #[arg(long, global = true, env = "LIANGXIN_DB")]
    pub db: Option<PathBuf>,
    /// The config file (default: the platform config directory).
    #[arg(long, global = true, env = "LIANGXIN_CONFIG")]
    pub config: Option<PathBuf>,
    /// Interface language: zh or en.
    #[arg(long, global = true, env = "LIANGXIN_LANG")]
    pub lang: Option<String>,
    /// What the program treats as today (YYYY-MM-DD).
    #[arg(long, global = true, env = "LIANGXIN_TODAY")]
    pub today: Option<String>,
    /// For writes: the day the fact became true (default: today).
    #[arg(long, global = true)]
    pub on: Option<String>,
    /// For writes: a reason kept in the audit log.
    #[arg(long, global = true)]
    pub reason: Option<String>,
    /// Act as this ledger user (root only; the audit records it).
    #[arg(long = "as", global = true, value_name = "USER")]
    pub as_user: Option<String>,
    #[command(subcommand)]
    pub cmd: Option<Cmd>,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Create an empty ledger database.
    Init,
    /// Open the demo district (Wuling District, Changde, 2022-09-30).
    Demo {
        /// Build or check the demo database without opening the terminal app.
        #[arg(long)]
        no_tui: bool,
        /// Rebuild the demo database from scratch.
        #[arg(long)]
        reset: bool,
    },
    /// Generate a synthetic district of N organizations (scale tests, benches).
    Gen {
        #[arg(long)]
        orgs: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    #[command(subcommand)]
    Street(PlaceCmd),
    #[command(subcommand)]
    Community(SubPlaceCmd),
    #[command(subcommand)]
    Building(SubPlaceCmd),
    #[command(subcommand)]
    Org(OrgCmd),
    /// Record a survey (摸排) of an organization on --on.
    Survey(SurveyArgs),
    #[command(subcommand)]
    Person(PersonCmd),
    #[command(subcommand)]
    Branch(BranchCmd),
    #[command(subcommand)]
    Instructor(InstructorCmd),
    #[command(subcommand)]
    Report(ReportCmd),
    #[command(subcommand)]
    User(UserCmd),
    /// Check the database: integrity, foreign keys, the audit hash chain and
    /// the ops each record answers for, the tables against the op log.
    Check {
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Compact the history no known peer needs: superseded values that
    /// every peer holds (the audit chain and who changed what stay).
    Compact {
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Copy the database safely while others write (default: into the
    /// configured backup directory, keeping the newest `backup.keep`).
    Backup {
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Replace the database with a backup that passes `check`.
    Restore { file: PathBuf },
    /// Survey tasks (open ones), or `tasks generate`.
    Tasks(TasksArgs),
    #[command(subcommand)]
    Task(TaskCmd),
    /// First-time alerts, brought up to date first.
    Alerts(AlertsArgs),
    #[command(subcommand)]
    Alert(AlertCmd),
    /// The daily checklist for your scope (street, community, office).
    Today {
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Import a market-supervision registration list (CSV or XLSX).
    Import(ImportArgs),
    /// Sync with another replica: pull, then push; or clone, serve, export, import.
    Sync(super::sync::SyncArgs),
    /// List sync conflicts, or resolve one.
    Conflicts(super::conflicts::ConflictsArgs),
    /// A canonical dump of the ledger (sorted; no replica-local fields).
    Export(super::export::ExportArgs),
    /// Print the shell completion script (bash, zsh or fish).
    Completions {
        /// bash | zsh | fish
        shell: String,
    },
    /// Print the man page, or write one page per command into a directory.
    Man {
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// The forced command of a cadre's SSH key on the server: opens the app,
    /// or serves sync, as USER; refuses anything else.
    Shell {
        /// The ledger user this key belongs to.
        user: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum PlaceCmd {
    /// Add a street.
    Add {
        name: String,
        /// The street's comprehensive party committee (综合党委).
        #[arg(long, default_value = "")]
        committee: String,
    },
    /// List streets.
    List {
        #[arg(long, default_value = "text")]
        format: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum SubPlaceCmd {
    /// Add one in a street.
    Add {
        name: String,
        #[arg(long)]
        street: String,
    },
}

#[derive(Args, Debug, Default)]
pub struct OrgAddArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub street: String,
    /// Unified social credit code (18 characters).
    #[arg(long)]
    pub code: Option<String>,
    #[arg(long)]
    pub community: Option<String>,
    #[arg(long)]
    pub building: Option<String>,
    /// enterprise | social-group | non-enterprise | foundation
    #[arg(long, default_value = "enterprise")]
    pub kind: String,
    #[arg(long, allow_hyphen_values = true)]
    pub employees: Option<String>,
    #[arg(long, default_value = "")]
    pub industry: String,
    #[arg(long, default_value = "")]
    pub address: String,
    #[arg(long, default_value = "")]
    pub contact: String,
    #[arg(long, default_value = "")]
    pub phone: String,
    /// The legal representative (or an investor) is a party member.
    #[arg(long)]
    pub legal_rep_member: bool,
    /// Found by a survey on --on: the survey is recorded with the
    /// organization, so its first-time rules (an instructor within days) apply.
    #[arg(long)]
    pub surveyed: bool,
}

#[derive(Subcommand, Debug)]
pub enum OrgCmd {
    /// Add an organization to the ledger.
    Add(OrgAddArgs),
    /// Change fields: FIELD=VALUE ... (name, code, kind, status, street, community,
    /// building, address, industry, employees, legal_rep_member, identity_check,
    /// contact, phone, entered_on, closed_on). Options such as --on may come
    /// before or after the list.
    Set {
        org: String,
        // No `allow_hyphen_values`: with it the list would swallow every later
        // `--on`/`--reason`. A pair starts with its field name, so a value
        // such as `employees=-5` still reaches the check that refuses it.
        #[arg(required = true)]
        fields: Vec<String>,
    },
    /// A pending organization from the registration list (待核实) operates
    /// from --on: it counts in N from that day (a survey does the same).
    Confirm { org: String },
    /// Close an organization on --on, with --reason deregistered | revoked |
    /// moved-out | suspended (注销/吊销/迁出/停业): it leaves N from that day.
    Close {
        /// The organization (id, credit code or exact name).
        org: String,
    },
    /// Delete an organization (it comes back only by `org restore`).
    Delete { org: String },
    /// Restore a deleted organization (by id).
    Restore { id: String },
    /// Show one organization (by id, credit code or exact name).
    Show {
        org: String,
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// List organizations operating today; csv or xlsx (with -o) is the
    /// ledger sheet for the upper office.
    List {
        #[arg(long)]
        street: Option<String>,
        /// own | joint | building | instructor | none
        #[arg(long)]
        coverage: Option<String>,
        /// text | json | csv | xlsx
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct SurveyArgs {
    pub org: String,
    #[arg(long, allow_hyphen_values = true)]
    pub employees: Option<String>,
    /// yes | no: whether a new-hire political-identity check exists.
    #[arg(long)]
    pub identity_check: Option<String>,
    #[arg(long, default_value = "")]
    pub note: String,
}

#[derive(Subcommand, Debug)]
pub enum PersonCmd {
    /// Record a person working in an organization (a hire, with --hired-on).
    Add {
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
        /// formal | probationary | candidate (发展对象) | activist | applicant | none
        #[arg(long)]
        status: String,
        #[arg(long)]
        hired_on: Option<String>,
        /// For members: branch | residence | elsewhere (default residence).
        #[arg(long)]
        relation: Option<String>,
        /// For --relation branch: which party organization holds it.
        #[arg(long)]
        branch: Option<String>,
        /// A floating member (流动党员).
        #[arg(long)]
        floating: bool,
        /// A manager (管理人员).
        #[arg(long)]
        manager: bool,
        #[arg(long, default_value = "")]
        phone: String,
    },
    /// Move a member's organizational relation into a party organization.
    Transfer {
        person: String,
        #[arg(long)]
        to: String,
        /// Narrow the person's name to this organization.
        #[arg(long)]
        org: Option<String>,
    },
    /// Change a person's political status (e.g. identified as an activist).
    Status {
        person: String,
        #[arg(long)]
        status: String,
        #[arg(long)]
        org: Option<String>,
    },
    /// The person left the organization's employ on --on (the global
    /// --reason is kept as the leave reason). The row stays: reports for
    /// earlier days still count the person there.
    Leave {
        /// The person (id, or the exact name of someone still employed).
        person: String,
        /// Narrow the person's name to this organization.
        #[arg(long)]
        org: Option<String>,
    },
    /// The person changed employer on --on: the employment at the old
    /// organization ends and one at the new organization starts (a new hire
    /// there).
    Move {
        /// The person (id, or the exact name of someone still employed).
        person: String,
        /// The new employer (id, credit code or exact name).
        #[arg(long)]
        to: String,
        /// Narrow the person's name to the current employer.
        #[arg(long)]
        org: Option<String>,
    },
    /// People working in organizations today, with their status, relation
    /// and whether they are floating members (流动党员).
    List {
        /// Only this organization's people.
        #[arg(long)]
        org: Option<String>,
        /// Only people whose employer is in this street.
        #[arg(long)]
        street: Option<String>,
        /// Only floating members (流动党员).
        #[arg(long)]
        floating: bool,
        /// Also people who have left (with the day and the reason).
        #[arg(long)]
        all: bool,
        /// text | json
        #[arg(long, default_value = "text")]
        format: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum BranchCmd {
    /// Found a party organization covering organizations.
    Found {
        #[arg(long)]
        name: String,
        /// standalone | joint | building
        #[arg(long)]
        mode: String,
        /// Organizations covered, comma-separated.
        #[arg(long, value_delimiter = ',')]
        covers: Vec<String>,
        /// branch | general | committee
        #[arg(long, default_value = "branch")]
        level: String,
        /// Default: the street of the first covered organization.
        #[arg(long)]
        street: Option<String>,
        /// For a building branch; default: the covered organizations' building.
        #[arg(long)]
        building: Option<String>,
        #[arg(long, default_value = "")]
        secretary: String,
    },
    /// Bring an organization under a party organization.
    Cover { branch: String, org: String },
    /// End a party organization's coverage of an organization (on --on).
    Uncover { branch: String, org: String },
    /// Dissolve a party organization (on --on).
    Dissolve { branch: String },
}

#[derive(Subcommand, Debug)]
pub enum InstructorCmd {
    /// Add a party-building instructor (党建指导员).
    Add {
        #[arg(long)]
        name: String,
        /// street | community | retired | district-dept
        #[arg(long)]
        source: String,
        #[arg(long, default_value = "")]
        industry: String,
        #[arg(long, default_value = "")]
        home_unit: String,
        #[arg(long, default_value = "")]
        phone: String,
    },
    /// Assign an instructor to an organization.
    Assign { instructor: String, org: String },
    /// Record a visit.
    Visit {
        instructor: String,
        org: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// End an instructor's assignment on --on: name the assignment by id
    /// (`org show --format json` lists them), or the instructor with --org.
    End {
        /// An assignment id (or a unique prefix), or with --org an instructor.
        target: String,
        /// The organization the instructor is assigned to.
        #[arg(long)]
        org: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct UserArgs {
    /// The OS user name (on a shared server, who is acting).
    pub os_user: String,
    #[arg(long)]
    pub name: Option<String>,
    /// community | economic | party | district
    #[arg(long)]
    pub office: Option<String>,
    /// district | street | community | read-only
    #[arg(long)]
    pub role: Option<String>,
    #[arg(long)]
    pub street: Option<String>,
    #[arg(long)]
    pub community: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Register a user (the first user of a database gets the district role).
    Add(UserArgs),
    /// Change a user's name, office, role or scope.
    Set(UserArgs),
    /// List users.
    List {
        #[arg(long, default_value = "text")]
        format: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReportCmd {
    /// Coverage on one day, per street (or community) and in total.
    Coverage {
        #[arg(long)]
        as_of: Option<String>,
        /// Only this street: the organizations in it on --as-of.
        #[arg(long)]
        street: Option<String>,
        /// street | community
        #[arg(long, default_value = "street")]
        by: String,
        /// text | csv | json | xlsx
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// What changed over a period, with a paragraph for a work report.
    Period {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        street: Option<String>,
        #[arg(long)]
        community: Option<String>,
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Days from raised to resolved, per alert rule, for alerts raised in a period.
    Response {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long, default_value = "text")]
        format: String,
    },
}
