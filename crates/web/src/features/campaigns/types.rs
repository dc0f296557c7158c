//! The campaigns API's requests and answers.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A unit to answer: a region by an agency.
#[derive(Serialize, ToSchema)]
pub struct UnitView {
    /// The Kemendagri region code.
    pub region: String,
    pub region_name: String,
    /// The answering agency's code.
    pub agency: String,
}

/// Counts over a campaign's due cells.
#[derive(Serialize, ToSchema)]
pub struct RatesView {
    /// Units × periods whose due date has passed.
    pub expected: u32,
    /// Of those, answered (on time or late).
    pub received: u32,
    /// Of those, answered by the due date.
    pub on_time: u32,
    /// received / expected in percent (one decimal); null when nothing is due yet.
    pub reporting_rate: Option<f64>,
    /// on_time / expected in percent; null when nothing is due yet.
    pub on_time_rate: Option<f64>,
}

/// One unit's period.
#[derive(Serialize, ToSchema)]
pub struct CellView {
    /// The period's label (`2021`, `2021-Q3`, `2021-07`).
    pub period: String,
    /// on_time, late, missing (due and not answered), open (not yet due), not_open.
    pub state: String,
    #[schema(format = DateTime)]
    pub answered_at: Option<String>,
    /// The submission that answered it.
    pub submission: Option<Uuid>,
    /// Whether that answer was a paper form typed in.
    pub paper: bool,
}

/// A unit's row.
#[derive(Serialize, ToSchema)]
pub struct UnitRowView {
    pub unit: UnitView,
    pub cells: Vec<CellView>,
    pub rates: RatesView,
}

/// A period's column.
#[derive(Serialize, ToSchema)]
pub struct PeriodView {
    pub label: String,
    /// Its first day.
    #[schema(format = Date)]
    pub start: String,
    /// The last day answers are on time.
    #[schema(format = Date)]
    pub due: String,
    pub rates: RatesView,
}

/// A unit late with a period: due and not answered.
#[derive(Serialize, ToSchema)]
pub struct LateView {
    pub region: String,
    pub region_name: String,
    pub agency: String,
    pub period: String,
    #[schema(format = Date)]
    pub due: String,
}

/// A campaign in a list.
#[derive(Serialize, ToSchema)]
pub struct CampaignSummary {
    pub id: Uuid,
    pub title: String,
    /// The form's UUID.
    pub form: Uuid,
    /// monthly, quarterly or yearly.
    pub periodicity: String,
    pub first_period: String,
    pub last_period: String,
    pub units: usize,
    /// The owning agency's code.
    pub owner: Option<String>,
}

/// The campaigns you see.
#[derive(Serialize, ToSchema)]
pub struct CampaignList {
    pub campaigns: Vec<CampaignSummary>,
}

/// A campaign with where each unit you see stands.
#[derive(Serialize, ToSchema)]
pub struct CampaignDetail {
    pub campaign: CampaignSummary,
    /// The form's XForm id.
    pub form_id: String,
    pub due_days: u32,
    pub grace_days: u32,
    /// Days before the due date that units not yet answering are reminded.
    pub remind_days: u32,
    /// Days after the due date that a unit still missing is escalated to the agency
    /// above it.
    pub escalate_days: u32,
    pub period_field: String,
    pub region_field: Option<String>,
    /// Whether you see every unit (the campaign's agency or one above it); otherwise
    /// only your agency's.
    pub all_units: bool,
    pub periods: Vec<PeriodView>,
    pub units: Vec<UnitRowView>,
    pub overall: RatesView,
    /// Who is late, by period then unit.
    pub late: Vec<LateView>,
}

/// A campaign to set up (documents the body the handler reads field by field).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewCampaignRequest {
    /// The form's UUID.
    pub form: Uuid,
    pub title: String,
    /// monthly, quarterly or yearly.
    pub periodicity: String,
    /// The first period's label (`2021`, `2021-Q1`, `2021-01`).
    pub first_period: String,
    pub last_period: String,
    /// Days after a period's last day by which answers are due.
    pub due_days: i64,
    /// Days after the due date that answers are still accepted (late).
    pub grace_days: i64,
    /// Days before the due date that units not yet answering are reminded (default 7).
    pub remind_days: Option<i64>,
    /// Days after the due date that a unit still missing is escalated to the agency
    /// above it (default 14).
    pub escalate_days: Option<i64>,
    /// The form's question that holds the period's label.
    pub period_field: String,
    /// The form's question that holds the region's code (needed when one agency answers
    /// for several regions).
    pub region_field: Option<String>,
    pub units: Vec<NewUnit>,
}

/// A unit to set up.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewUnit {
    /// A Kemendagri region code.
    pub region: String,
    /// The answering agency's code.
    pub agency: String,
}

/// A component of an index: a question scored 0–100 and its weight in percent.
#[derive(Serialize, ToSchema)]
pub struct ComponentView {
    pub field: String,
    pub weight: f64,
    pub label: String,
}

/// A band of an index's scores.
#[derive(Serialize, ToSchema)]
pub struct BandView {
    pub from: f64,
    pub to: f64,
    pub label: String,
}

/// A unit's period under an index.
#[derive(Serialize, ToSchema)]
pub struct IndexCellView {
    pub period: String,
    /// The weighted score, 0–100; null when not answered or not scorable.
    pub score: Option<f64>,
    /// The band's label.
    pub band: Option<String>,
    /// Why there is no score although the period was answered.
    pub reason: Option<String>,
}

/// A unit's scores, period by period: its trend.
#[derive(Serialize, ToSchema)]
pub struct IndexRowView {
    pub unit: UnitView,
    pub scores: Vec<IndexCellView>,
}

/// A period's mean score over the units scored.
#[derive(Serialize, ToSchema)]
pub struct IndexMeanView {
    pub period: String,
    pub mean: Option<f64>,
    pub band: Option<String>,
    /// How many units were scored.
    pub units: usize,
}

/// An index computed over the campaign's answers you see.
#[derive(Serialize, ToSchema)]
pub struct IndexView {
    pub id: Uuid,
    pub name: String,
    pub components: Vec<ComponentView>,
    pub bands: Vec<BandView>,
    pub units: Vec<IndexRowView>,
    pub means: Vec<IndexMeanView>,
}

/// A campaign's indices.
#[derive(Serialize, ToSchema)]
pub struct IndexList {
    pub indices: Vec<IndexView>,
}

/// An index to define (documents the body the handler reads field by field).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewIndexRequest {
    pub name: String,
    /// The questions (0–100 each) and their weights in percent, summing to 100.
    pub components: Vec<NewComponent>,
    /// From 0 to 100 in order, without gaps.
    pub bands: Vec<NewBand>,
}

/// A component to define.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewComponent {
    pub field: String,
    pub weight: f64,
    pub label: Option<String>,
}

/// A band to define.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewBand {
    pub from: f64,
    pub to: f64,
    pub label: String,
}
