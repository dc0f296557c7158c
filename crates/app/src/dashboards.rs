//! Dashboards (ADR 26): a working group's (plan progress against targets and time,
//! overdue action items by agency, meetings held, letters awaiting an answer between its
//! members) and an agency's "what it owes to whom" (its open action items by group,
//! letters awaiting its answer, its open dispositions, its plan activities behind
//! schedule); and the tables the coordination exports write.
//!
//! Everything is read through the same decisions as the records' own pages: a group the
//! actor does not see is a missing one, and letters are counted only when the actor may
//! see them (`Letter::visible_to`), their answers too.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use sinergi_core::access::{Actor, ViewScope};
use sinergi_core::coordination::{ActionItem, Group, ItemStatus, Meeting};
use sinergi_core::ids::{AgencyId, GroupId, LetterId, PlanId};
use sinergi_core::letter::{Disposition, Letter, LetterStatus};
use sinergi_core::plan::{tree_order, Plan, PlanNode, Progress};

use crate::{App, AppError, AppResult};

/// How many meetings a group's page lists before linking to all of them.
pub const PAGE_MEETINGS: i64 = 20;

/// One node of a plan with a target, and its progress.
#[derive(Debug, Clone)]
pub struct NodeProgress {
    pub node: PlanNode,
    pub progress: Progress,
}

/// A plan's progress: the share of its period gone and its nodes with a target.
#[derive(Debug, Clone)]
pub struct PlanProgress {
    pub plan: Plan,
    pub elapsed_pct: f64,
    pub nodes: Vec<NodeProgress>,
    /// How many of `nodes` are behind.
    pub behind: usize,
}

/// A letter between members awaiting one addressee's answer.
#[derive(Debug, Clone)]
pub struct AwaitedAnswer {
    pub letter: Letter,
    /// The addressee expected to answer.
    pub addressee: AgencyId,
    pub reply_by: NaiveDate,
    /// The answer is late (due before today).
    pub late: bool,
}

/// Meetings held (started before now), by year of their local date, and the next one.
#[derive(Debug, Clone)]
pub struct MeetingsHeld {
    /// (year, count), the earliest year first.
    pub by_year: Vec<(i32, usize)>,
    pub total: usize,
    pub next: Option<Meeting>,
}

/// How many of a group's open items one agency owes past their due date.
#[derive(Debug, Clone)]
pub struct OverdueCount {
    pub agency_id: AgencyId,
    pub count: i64,
    /// The earliest due date among them.
    pub oldest_due: NaiveDate,
}

/// A working group's dashboard.
#[derive(Debug, Clone)]
pub struct GroupDashboard {
    pub group: Group,
    /// Today in the group's zone.
    pub today: NaiveDate,
    pub plans: Vec<PlanProgress>,
    /// By agency, in the order of the group's members (then former members).
    pub overdue: Vec<OverdueCount>,
    pub meetings: MeetingsHeld,
    pub awaiting: Vec<AwaitedAnswer>,
}

/// An open action item the agency owes, with its group and whether it is late.
#[derive(Debug, Clone)]
pub struct OwedItem {
    pub item: ActionItem,
    pub overdue: bool,
}

/// What an agency owes in one group.
#[derive(Debug, Clone)]
pub struct OwedInGroup {
    pub group: Group,
    pub items: Vec<OwedItem>,
}

/// A plan activity the agency is responsible for that is behind.
#[derive(Debug, Clone)]
pub struct BehindActivity {
    pub group: Group,
    pub plan: Plan,
    pub node: PlanNode,
    pub progress: Progress,
}

/// What the actor's agency owes to whom.
#[derive(Debug, Clone)]
pub struct Obligations {
    pub agency_id: AgencyId,
    /// Today in the agency's zone.
    pub today: NaiveDate,
    pub items: Vec<OwedInGroup>,
    /// Letters sent to the agency as an addressee that ask for its answer.
    pub letters: Vec<AwaitedAnswer>,
    pub dispositions: Vec<(Disposition, Letter)>,
    pub behind: Vec<BehindActivity>,
}

/// A plan's progress on `today`: each node with a target, in tree order.
pub fn plan_progress(plan: &Plan, nodes: &[PlanNode], today: NaiveDate) -> PlanProgress {
    let list: Vec<NodeProgress> = tree_order(nodes)
        .into_iter()
        .filter(|n| n.target.is_some())
        .map(|n| NodeProgress {
            node: n.clone(),
            progress: Progress::of(n, plan, today),
        })
        .collect();
    PlanProgress {
        plan: plan.clone(),
        elapsed_pct: sinergi_core::plan::elapsed_pct(plan.period_from, plan.period_until, today),
        behind: list.iter().filter(|n| n.progress.behind).count(),
        nodes: list,
    }
}

/// Meetings held before `now` by local year, and the first one after.
pub fn meetings_held(heads: &[Meeting], now: chrono::DateTime<chrono::Utc>) -> MeetingsHeld {
    let mut by_year: BTreeMap<i32, usize> = BTreeMap::new();
    let mut total = 0;
    let mut next = None;
    for m in heads {
        if m.starts_at <= now {
            *by_year.entry(m.local_date().year()).or_default() += 1;
            total += 1;
        } else if next.is_none() {
            next = Some(m.clone());
        }
    }
    MeetingsHeld {
        by_year: by_year.into_iter().collect(),
        total,
        next,
    }
}

impl App {
    /// The addressees among `addressees` still expected to answer each of `letters` as
    /// the actor sees it: an answer counts when it is a sent letter of that addressee
    /// naming the letter, and the actor may see it.
    async fn unanswered(
        &self,
        actor: &Actor,
        letters: Vec<Letter>,
        addressees: &HashSet<AgencyId>,
        today: NaiveDate,
    ) -> AppResult<Vec<AwaitedAnswer>> {
        let scope = ViewScope::for_actor(actor);
        let letters: Vec<Letter> = letters
            .into_iter()
            .filter(|l| l.visible_to(&scope))
            .collect();
        let ids: Vec<LetterId> = letters.iter().map(|l| l.id).collect();
        let answered: HashSet<(LetterId, AgencyId)> = self
            .visible_replies(actor, &ids)
            .await?
            .into_iter()
            .filter_map(|r| r.in_reply_to.map(|o| (o, r.agency_id)))
            .collect();
        let mut out = Vec::new();
        for l in letters {
            for (addressee, by) in l.awaited_answers() {
                if addressees.contains(&addressee) && !answered.contains(&(l.id, addressee)) {
                    out.push(AwaitedAnswer {
                        letter: l.clone(),
                        addressee,
                        reply_by: by,
                        late: by < today,
                    });
                }
            }
        }
        out.sort_by_key(|a| (a.reply_by, a.letter.id));
        Ok(out)
    }

    /// A group's dashboard, for a member; 404 for anyone else.
    pub async fn group_dashboard(&self, actor: &Actor, id: GroupId) -> AppResult<GroupDashboard> {
        let group = self.group_for(actor, id).await?;
        let today = self.group_today(&group).await?;
        let mut plans = Vec::new();
        for p in self.store.plans_of_group(group.id).await? {
            let nodes = self.store.plan_nodes(p.id).await?;
            plans.push(plan_progress(&p, &nodes, today));
        }
        let counts = self.store.overdue_counts(group.id, today).await?;
        let member_order = |a: &AgencyId| {
            group
                .agencies
                .iter()
                .position(|m| m == a)
                .unwrap_or(usize::MAX)
        };
        let mut overdue: Vec<OverdueCount> = counts
            .into_iter()
            .map(|(agency_id, count, oldest_due)| OverdueCount {
                agency_id,
                count,
                oldest_due,
            })
            .collect();
        overdue.sort_by_key(|o| (member_order(&o.agency_id), o.agency_id));
        let heads = self.store.meeting_heads(group.id).await?;
        let mut meetings = meetings_held(&heads, self.now());
        if let Some(next) = &meetings.next {
            // With its invited agencies and attendance.
            meetings.next = self.store.meeting(next.id).await?;
        }
        let members: HashSet<AgencyId> = group.agencies.iter().copied().collect();
        let letters = self
            .store
            .letters_awaiting_reply(&group.agencies, &group.agencies)
            .await?;
        let awaiting = self.unanswered(actor, letters, &members, today).await?;
        Ok(GroupDashboard {
            group,
            today,
            plans,
            overdue,
            meetings,
            awaiting,
        })
    }

    /// Today in the group's zone (its owner agency's region's, else WIB).
    pub async fn group_today_for(&self, g: &Group) -> AppResult<NaiveDate> {
        self.group_today(g).await
    }

    /// The group's latest meetings for its page, with how many it has in all.
    pub async fn latest_meetings(
        &self,
        actor: &Actor,
        id: GroupId,
        limit: i64,
    ) -> AppResult<(Vec<Meeting>, i64)> {
        let g = self.group_for(actor, id).await?;
        Ok(self.store.latest_meetings(g.id, limit).await?)
    }

    /// A group's action items, narrowed to a status and an owing agency, by due date.
    pub async fn group_action_items(
        &self,
        actor: &Actor,
        id: GroupId,
        status: Option<ItemStatus>,
        agency: Option<AgencyId>,
    ) -> AppResult<Vec<ActionItem>> {
        let g = self.group_for(actor, id).await?;
        Ok(self
            .store
            .action_items_of_group(g.id, status, agency)
            .await?)
    }

    /// A plan's progress, for a member of its group.
    pub async fn plan_progress(&self, actor: &Actor, id: PlanId) -> AppResult<PlanProgress> {
        let tree = self.plan_tree(actor, id).await?;
        Ok(plan_progress(&tree.plan, &tree.nodes, tree.today))
    }

    /// What the actor's agency owes to whom.
    pub async fn obligations(&self, actor: &Actor) -> AppResult<Obligations> {
        let agency = actor.agency_id;
        let zone = self.agency_zone(agency).await?;
        let today = self.now().with_timezone(&zone.offset()).date_naive();
        let scope = ViewScope::for_actor(actor);
        // Action items, by the groups the agency sees (a former member sees none).
        let mut groups: HashMap<GroupId, Option<Group>> = HashMap::new();
        let mut items: Vec<OwedInGroup> = Vec::new();
        for item in self.store.open_items_owed_by(agency).await? {
            if let std::collections::hash_map::Entry::Vacant(e) = groups.entry(item.group_id) {
                let g = match self.group_for(actor, item.group_id).await {
                    Ok(g) => Some(g),
                    Err(AppError::NotFound) => None,
                    Err(e) => return Err(e),
                };
                e.insert(g);
            }
            let Some(Some(g)) = groups.get(&item.group_id) else {
                continue;
            };
            let overdue = item.due < today;
            let owed = OwedItem { item, overdue };
            match items.iter_mut().find(|o| o.group.id == g.id) {
                Some(o) => o.items.push(owed),
                None => items.push(OwedInGroup {
                    group: g.clone(),
                    items: vec![owed],
                }),
            }
        }
        items.sort_by(|a, b| a.group.name.cmp(&b.group.name));
        // Letters sent to the agency as an addressee that ask for its answer.
        let asking: Vec<Letter> = self
            .letters_for(actor)
            .await?
            .into_iter()
            .filter(|l| l.status == LetterStatus::Sent && l.reply_by.is_some())
            .filter(|l| l.answerable_by(agency))
            .collect();
        let letters = self
            .unanswered(actor, asking, &HashSet::from([agency]), today)
            .await?;
        // Open dispositions inside the agency.
        let mut dispositions = Vec::new();
        for d in self.store.open_dispositions_of_agency(agency).await? {
            if let Some(l) = self.store.letter(d.letter_id).await? {
                if l.visible_to(&scope) {
                    dispositions.push((d, l));
                }
            }
        }
        // Plan activities it is responsible for that are behind.
        let mut behind = Vec::new();
        for g in self.groups_for(actor).await? {
            if !g.is_member(agency) {
                continue;
            }
            let gtoday = self.group_today(&g).await?;
            for p in self.store.plans_of_group(g.id).await? {
                let nodes = self.store.plan_nodes(p.id).await?;
                for n in tree_order(&nodes) {
                    if n.responsible_agency_id != agency {
                        continue;
                    }
                    let progress = Progress::of(n, &p, gtoday);
                    if progress.behind {
                        behind.push(BehindActivity {
                            group: g.clone(),
                            plan: p.clone(),
                            node: n.clone(),
                            progress,
                        });
                    }
                }
            }
        }
        Ok(Obligations {
            agency_id: agency,
            today,
            items,
            letters,
            dispositions,
            behind,
        })
    }
}
