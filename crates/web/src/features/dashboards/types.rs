//! What the dashboards API answers (ADR 26).

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::features::coordination::types::{ActionItemView, MeetingView};

/// A node of a plan with a target, and its progress against the target and the time gone.
#[derive(Serialize, ToSchema)]
pub struct TargetProgressView {
    pub node: Uuid,
    /// goal, programme, activity or stage.
    pub kind: String,
    pub title: String,
    /// The code of the responsible agency.
    pub responsible: Option<String>,
    pub indicator: String,
    pub unit: Option<String>,
    pub target: f64,
    pub achieved: Option<f64>,
    /// The share of the target achieved, in percent (may pass 100).
    pub achieved_pct: Option<f64>,
    /// The share of the node's period (else the plan's) gone, 0 to 100.
    pub elapsed_pct: Option<f64>,
    /// Open, and the achievement trails the time gone by more than 10 points.
    pub behind: bool,
    /// planned, under_way, done or dropped.
    pub status: String,
}

/// A plan's progress.
#[derive(Serialize, ToSchema)]
pub struct PlanProgressView {
    pub plan: Uuid,
    pub title: String,
    pub kind: String,
    /// The share of the plan's period gone, 0 to 100.
    pub elapsed_pct: f64,
    /// How many of `nodes` are behind.
    pub behind: usize,
    /// The nodes with a target, in tree order.
    pub nodes: Vec<TargetProgressView>,
}

/// How many open items one agency owes past their due date.
#[derive(Serialize, ToSchema)]
pub struct OverdueCountView {
    /// The owing agency's code.
    pub agency: Option<String>,
    pub count: i64,
    /// The earliest due date among them.
    #[schema(format = Date)]
    pub oldest_due: String,
}

/// Meetings held in one year (by the meeting's local date).
#[derive(Serialize, ToSchema)]
pub struct MeetingYearView {
    pub year: i32,
    pub held: usize,
}

/// The group's meetings held and the next one.
#[derive(Serialize, ToSchema)]
pub struct MeetingsHeldView {
    pub total: usize,
    pub by_year: Vec<MeetingYearView>,
    pub next: Option<MeetingView>,
}

/// A sent letter that asks one addressee to answer by a date, not yet answered (as far
/// as you may see).
#[derive(Serialize, ToSchema)]
pub struct AwaitedAnswerView {
    pub letter: Uuid,
    pub number: Option<String>,
    pub subject: String,
    /// The sending agency's code.
    pub from: String,
    /// The code of the addressee expected to answer.
    pub addressee: String,
    #[schema(format = Date)]
    pub reply_by: String,
    /// The answer is past its date.
    pub late: bool,
}

/// A working group's dashboard.
#[derive(Serialize, ToSchema)]
pub struct GroupDashboardView {
    pub group: Uuid,
    pub name: String,
    /// The day it is counted on (today in the group's zone).
    #[schema(format = Date)]
    pub today: String,
    pub plans: Vec<PlanProgressView>,
    /// Open items past their due date, by owing agency in the order of the members.
    pub overdue: Vec<OverdueCountView>,
    pub meetings: MeetingsHeldView,
    /// Letters sent by a member agency to a member agency (as an addressee) that ask for
    /// an answer by a date and have none you may see, the earliest date first.
    pub awaiting_answer: Vec<AwaitedAnswerView>,
}

/// An open action item your agency owes, and whether it is late.
#[derive(Serialize, ToSchema)]
pub struct OwedItemView {
    pub item: ActionItemView,
    pub overdue: bool,
}

/// What your agency owes in one working group.
#[derive(Serialize, ToSchema)]
pub struct OwedInGroupView {
    pub group: Uuid,
    pub group_name: String,
    pub items: Vec<OwedItemView>,
}

/// An open disposition inside your agency.
#[derive(Serialize, ToSchema)]
pub struct OpenDispositionView {
    pub id: Uuid,
    pub letter: Uuid,
    pub letter_subject: String,
    pub letter_number: Option<String>,
    /// The user name of the person who is to act on it.
    pub to: String,
    pub instruction: String,
    #[schema(format = Date)]
    pub due: Option<String>,
    pub overdue: bool,
}

/// A plan activity your agency is responsible for that is behind.
#[derive(Serialize, ToSchema)]
pub struct BehindActivityView {
    pub group: Uuid,
    pub group_name: String,
    pub plan: Uuid,
    pub plan_title: String,
    pub progress: TargetProgressView,
}

/// What your agency owes to whom.
#[derive(Serialize, ToSchema)]
pub struct ObligationsView {
    /// Your agency's code.
    pub agency: String,
    /// Today in your agency's zone.
    #[schema(format = Date)]
    pub today: String,
    /// Open action items owed by your agency, by working group (by name), each by due date.
    pub action_items: Vec<OwedInGroupView>,
    /// Letters sent to your agency as an addressee that ask for its answer, not yet answered.
    pub letters_to_answer: Vec<AwaitedAnswerView>,
    pub dispositions: Vec<OpenDispositionView>,
    pub behind_activities: Vec<BehindActivityView>,
}

/// A group's action items.
#[derive(Serialize, ToSchema)]
pub struct GroupActionItemList {
    pub items: Vec<ActionItemView>,
}
