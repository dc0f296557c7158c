//! The engine: fences in R-trees, rules, each subject's last state, and evaluation.

use std::collections::hash_map::Entry;

use rstar::{Envelope, RTree, RTreeObject, AABB};

use crate::hash::FastMap;
use crate::model::{
    EngineStats, Event, EventKind, Fence, FenceError, FenceId, Fix, FixKind, Outcome, RestoreError,
    Rule, RuleError, RuleId, SubjectFilter, SubjectId, Trigger,
};
use crate::prepared::{prepare, Kind, Prepared};

/// Species id meaning "unknown" / "no species filter".
const NO_SPECIES: u32 = u32::MAX;

/// Half the width, in degrees (about 2.2 km), of the box around a subject whose area-fence
/// envelopes it remembers: while the subject moves within that box its candidates come from
/// the remembered envelopes instead of a walk down the R-tree.
const NEIGHBOURHOOD_DEG: f64 = 0.02;

/// A fence's (grown) bounding box in an R-tree.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Item {
    envelope: AABB<[f64; 2]>,
    slot: u32,
}

impl RTreeObject for Item {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

type Tree = RTree<Item>;

/// What the engine knows of a fence beyond its hot [`Prepared`] record.
#[derive(Clone)]
struct FenceSlot {
    id: FenceId,
    kind: Kind,
    /// `[min_lon, min_lat, max_lon, max_lat]`.
    bbox: [f64; 4],
    /// Rules that name this fence (rules over all fences are in `Engine::global_rules`).
    rules: Vec<u32>,
    /// Metres by which the envelope is grown: the largest hysteresis or proximity reach of
    /// the rules that watch the fence.
    margin_m: f64,
    item: Item,
}

/// How a rule is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Enter, exit and dwell: per (rule, fence) inside/outside state with hysteresis.
    Membership,
    Proximity,
    Cross,
    Hotspot,
}

#[derive(Clone)]
struct RuleSlot {
    rule: Rule,
    class: Class,
    since: u64,
    /// Interned species of a species filter.
    species: u32,
    quiet_ms: i64,
    dwell_ms: i64,
    distance_m: f64,
}

impl RuleSlot {
    #[inline]
    fn admits(&self, subject: Option<SubjectId>, species: u32) -> bool {
        match &self.rule.subjects {
            SubjectFilter::Any => true,
            SubjectFilter::Species(_) => species != NO_SPECIES && species == self.species,
            SubjectFilter::Subject(id) => subject == Some(*id),
        }
    }

    /// Metres of reach beyond a fence's bounding box that this rule needs.
    fn margin_m(&self) -> f64 {
        match self.class {
            Class::Membership | Class::Cross => self.rule.hysteresis_m,
            Class::Proximity => self.distance_m + self.rule.hysteresis_m,
            Class::Hotspot => 0.0,
        }
    }

    fn applies_to(&self, kind: Kind) -> bool {
        match self.class {
            Class::Membership | Class::Hotspot => matches!(kind, Kind::Area | Kind::Circle),
            Class::Cross => kind == Kind::Line,
            Class::Proximity => kind != Kind::Vacant,
        }
    }
}

/// A subject inside an area fence, as seen by one membership rule.
#[derive(Clone, Copy, Debug)]
struct Membership {
    fence: u32,
    rule: u32,
    entered_at_ms: i64,
    dwell_fired: bool,
    /// Equal to the subject's `mark` when refreshed by the latest step.
    seen: bool,
}

/// A subject within reach of a proximity rule's fence (the rule is disarmed).
#[derive(Clone, Copy, Debug)]
struct Near {
    fence: u32,
    rule: u32,
    seen: bool,
}

/// Where a subject stood before it came within a cross rule's hysteresis of a line.
#[derive(Clone, Copy, Debug)]
struct Anchor {
    fence: u32,
    rule: u32,
    lon: f64,
    lat: f64,
    seen: bool,
}

#[derive(Clone)]
struct SubjectState {
    id: SubjectId,
    species: u32,
    at_ms: i64,
    lon: f64,
    lat: f64,
    /// Engine generation at the last evaluation.
    generation: u64,
    /// Flips at every step; entries carry the value of the step that last refreshed them.
    mark: bool,
    inside: Vec<Membership>,
    near: Vec<Near>,
    anchors: Vec<Anchor>,
    /// Area-tree entries intersecting `neighbourhood`, valid while `neighbourhood_version`
    /// equals the engine's `area_tree_version`.
    neighbours: Vec<Item>,
    neighbourhood: AABB<[f64; 2]>,
    neighbourhood_version: u64,
}

impl SubjectState {
    fn forget_fence(&mut self, fence: u32) {
        self.inside.retain(|m| m.fence != fence);
        self.near.retain(|m| m.fence != fence);
        self.anchors.retain(|m| m.fence != fence);
    }

    fn forget_rule(&mut self, rule: u32) {
        self.inside.retain(|m| m.rule != rule);
        self.near.retain(|m| m.rule != rule);
        self.anchors.retain(|m| m.rule != rule);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct QuietKey {
    rule: u32,
    fence: u32,
    subject: Option<SubjectId>,
}

/// The point being evaluated and who it belongs to.
#[derive(Clone, Copy)]
struct Here {
    at_ms: i64,
    lon: f64,
    lat: f64,
    subject: Option<SubjectId>,
    species: u32,
}

/// Raises an event unless the rule is outside its active hours or in its quiet period.
/// Returns whether the event was raised.
#[allow(clippy::too_many_arguments)]
#[inline]
fn raise(
    quiet: &mut FastMap<QuietKey, i64>,
    rule: &RuleSlot,
    rule_slot: u32,
    fences: &[Option<FenceSlot>],
    fence_slot: u32,
    kind: EventKind,
    here: &Here,
    distance_m: Option<f64>,
    out: &mut Vec<Event>,
) -> bool {
    let Some(fence) = fences[fence_slot as usize].as_ref() else {
        return false;
    };
    if let Some(hours) = &rule.rule.active_hours {
        if !hours.admits(here.at_ms) {
            return false;
        }
    }
    if rule.quiet_ms > 0 {
        let key = QuietKey {
            rule: rule_slot,
            fence: fence_slot,
            subject: here.subject,
        };
        match quiet.entry(key) {
            Entry::Occupied(mut last) => {
                if (here.at_ms - *last.get()).abs() < rule.quiet_ms {
                    return false;
                }
                let latest = (*last.get()).max(here.at_ms);
                last.insert(latest);
            }
            Entry::Vacant(slot) => {
                slot.insert(here.at_ms);
            }
        }
    }
    out.push(Event {
        rule: rule.rule.id,
        fence: fence.id,
        subject: here.subject,
        kind,
        at_ms: here.at_ms,
        lon: here.lon,
        lat: here.lat,
        distance_m,
    });
    true
}

/// The real-time geofence engine. See the crate documentation for the semantics.
///
/// A clone is an independent engine with the same fences, rules and subject state: what
/// a trial evaluation (an import's dry run) does to it leaves the original untouched. It
/// costs as much memory as the original.
#[derive(Clone)]
pub struct Engine {
    /// Hot fence records, indexed by slot ([`Kind::Vacant`] for free slots).
    shapes: Vec<Prepared>,
    fences: Vec<Option<FenceSlot>>,
    free_fences: Vec<u32>,
    fence_index: FastMap<FenceId, u32>,
    rules: Vec<Option<RuleSlot>>,
    free_rules: Vec<u32>,
    rule_index: FastMap<RuleId, u32>,
    /// Rules over every fence.
    global_rules: Vec<u32>,
    /// Rules naming a fence id, whether or not that fence exists yet.
    rules_by_fence: FastMap<FenceId, Vec<u32>>,
    cross_rules: usize,
    area_tree: Tree,
    line_tree: Tree,
    /// Changes whenever the area tree does (starts at 1; subjects start at 0).
    area_tree_version: u64,
    trees_stale: bool,
    area_fences: usize,
    line_fences: usize,
    subjects: Vec<SubjectState>,
    subject_index: FastMap<SubjectId, u32>,
    species_names: Vec<Box<str>>,
    species_index: FastMap<Box<str>, u32>,
    quiet: FastMap<QuietKey, i64>,
    generation: u64,
    candidates: Vec<u32>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// An engine without fences, rules or subjects.
    pub fn new() -> Self {
        Self {
            shapes: Vec::new(),
            fences: Vec::new(),
            free_fences: Vec::new(),
            fence_index: FastMap::default(),
            rules: Vec::new(),
            free_rules: Vec::new(),
            rule_index: FastMap::default(),
            global_rules: Vec::new(),
            rules_by_fence: FastMap::default(),
            cross_rules: 0,
            area_tree: Tree::new(),
            line_tree: Tree::new(),
            area_tree_version: 1,
            trees_stale: false,
            area_fences: 0,
            line_fences: 0,
            subjects: Vec::new(),
            subject_index: FastMap::default(),
            species_names: Vec::new(),
            species_index: FastMap::default(),
            quiet: FastMap::default(),
            generation: 0,
            candidates: Vec::new(),
        }
    }

    /// Table sizes.
    pub fn stats(&self) -> EngineStats {
        EngineStats {
            fences: self.fence_index.len(),
            area_fences: self.area_fences,
            line_fences: self.line_fences,
            rules: self.rule_index.len(),
            subjects: self.subjects.len(),
            quiet_entries: self.quiet.len(),
        }
    }

    // ----------------------------------------------------------------------------------
    // Fences

    /// Adds a fence, replacing one with the same id. Subjects establish their state for a
    /// new or replaced fence silently at their next fix.
    pub fn add_fence(&mut self, fence: Fence) -> Result<(), FenceError> {
        let (prepared, bbox) = prepare(&fence)?;
        self.insert_fence(fence.id, prepared, bbox, true);
        Ok(())
    }

    /// Adds many fences and bulk-loads the R-trees once. Either all fences are added or,
    /// on the first invalid one, none.
    pub fn add_fences(
        &mut self,
        fences: impl IntoIterator<Item = Fence>,
    ) -> Result<usize, FenceError> {
        let prepared: Vec<(FenceId, Prepared, [f64; 4])> = fences
            .into_iter()
            .map(|f| prepare(&f).map(|(p, bbox)| (f.id, p, bbox)))
            .collect::<Result<_, _>>()?;
        let n = prepared.len();
        for (id, p, bbox) in prepared {
            self.insert_fence(id, p, bbox, false);
        }
        self.trees_stale = true;
        self.prepare();
        Ok(n)
    }

    fn insert_fence(
        &mut self,
        id: FenceId,
        mut prepared: Prepared,
        bbox: [f64; 4],
        insert_into_tree: bool,
    ) {
        self.remove_fence(id);
        self.generation += 1;
        let slot = match self.free_fences.pop() {
            Some(slot) => slot,
            None => {
                self.fences.push(None);
                self.shapes.push(Prepared::vacant());
                (self.fences.len() - 1) as u32
            }
        };
        let kind = prepared.kind;
        let rules: Vec<u32> = self
            .rules_by_fence
            .get(&id)
            .map(|rules| {
                rules
                    .iter()
                    .copied()
                    .filter(|&r| self.rule(r).is_some_and(|rule| rule.applies_to(kind)))
                    .collect()
            })
            .unwrap_or_default();
        let mut fence = FenceSlot {
            id,
            kind,
            bbox,
            rules,
            margin_m: 0.0,
            item: Item {
                envelope: prepared.envelope(&bbox, 0.0),
                slot,
            },
        };
        fence.margin_m = self.margin_for(&fence, self.global_margins());
        fence.item.envelope = prepared.envelope(&bbox, fence.margin_m);
        prepared.set_reach(fence.margin_m);
        prepared.since = self.generation;
        prepared.has_rules = !fence.rules.is_empty();
        if kind == Kind::Line {
            self.line_fences += 1;
        } else {
            self.area_fences += 1;
        }
        if insert_into_tree && !self.trees_stale {
            if kind == Kind::Line {
                self.line_tree.insert(fence.item);
            } else {
                self.area_tree.insert(fence.item);
                self.area_tree_version += 1;
            }
        } else {
            self.trees_stale = true;
        }
        self.fence_index.insert(id, slot);
        self.fences[slot as usize] = Some(fence);
        self.shapes[slot as usize] = prepared;
    }

    /// Removes a fence and every subject's state and quiet-period memory for it.
    /// Returns whether it existed.
    pub fn remove_fence(&mut self, id: FenceId) -> bool {
        let Some(slot) = self.fence_index.remove(&id) else {
            return false;
        };
        let Some(fence) = self.fences[slot as usize].take() else {
            return false;
        };
        self.shapes[slot as usize] = Prepared::vacant();
        if fence.kind == Kind::Line {
            self.line_fences -= 1;
        } else {
            self.area_fences -= 1;
        }
        if !self.trees_stale {
            let tree = if fence.kind == Kind::Line {
                &mut self.line_tree
            } else {
                &mut self.area_tree
            };
            if tree.remove(&fence.item).is_none() {
                self.trees_stale = true;
            }
            self.area_tree_version += 1;
        }
        for subject in &mut self.subjects {
            subject.forget_fence(slot);
        }
        self.quiet.retain(|k, _| k.fence != slot);
        self.free_fences.push(slot);
        true
    }

    /// The largest reach of the rules over all fences, for area fences and for line fences.
    fn global_margins(&self) -> (f64, f64) {
        let reach = |kind: Kind| {
            self.global_rules
                .iter()
                .filter_map(|&r| self.rule(r))
                .filter(|rule| rule.applies_to(kind))
                .map(RuleSlot::margin_m)
                .fold(0.0, f64::max)
        };
        (reach(Kind::Area), reach(Kind::Line))
    }

    fn margin_for(&self, fence: &FenceSlot, global: (f64, f64)) -> f64 {
        let base = if fence.kind == Kind::Line {
            global.1
        } else {
            global.0
        };
        fence
            .rules
            .iter()
            .filter_map(|&r| self.rule(r))
            .filter(|rule| rule.applies_to(fence.kind))
            .map(RuleSlot::margin_m)
            .fold(base, f64::max)
    }

    /// Recomputes every fence's margin; marks the trees stale when one changed.
    fn refresh_margins(&mut self) {
        let global = self.global_margins();
        let margins: Vec<(usize, f64)> = self
            .fences
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.as_ref().map(|f| (i, self.margin_for(f, global))))
            .collect();
        for (i, margin) in margins {
            if let Some(fence) = self.fences[i].as_mut() {
                let shape = &mut self.shapes[i];
                shape.has_rules = !fence.rules.is_empty();
                if fence.margin_m != margin {
                    fence.margin_m = margin;
                    fence.item.envelope = shape.envelope(&fence.bbox, margin);
                    shape.set_reach(margin);
                    self.trees_stale = true;
                }
            }
        }
    }

    /// Rebuilds the R-trees (bulk load) if fences or rule reaches changed since the last
    /// build. [`Engine::evaluate`] calls this itself; call it after a batch of changes to
    /// keep the rebuild off the first fix.
    pub fn prepare(&mut self) {
        if !self.trees_stale {
            return;
        }
        let (mut areas, mut lines) = (Vec::new(), Vec::new());
        for fence in self.fences.iter().flatten() {
            if fence.kind == Kind::Line {
                lines.push(fence.item);
            } else {
                areas.push(fence.item);
            }
        }
        self.area_tree = Tree::bulk_load(areas);
        self.line_tree = Tree::bulk_load(lines);
        self.area_tree_version += 1;
        self.trees_stale = false;
    }

    // ----------------------------------------------------------------------------------
    // Rules

    #[inline]
    fn rule(&self, slot: u32) -> Option<&RuleSlot> {
        self.rules.get(slot as usize).and_then(Option::as_ref)
    }

    /// Adds or replaces a rule. A replacement that changes only the quiet period or active
    /// hours keeps the subjects' state; any other change makes subjects establish their
    /// state for the rule silently at their next fix. Quiet-period memory is kept.
    pub fn upsert_rule(&mut self, rule: Rule) -> Result<(), RuleError> {
        rule.validate()?;
        let mut fences = rule.fences.clone();
        fences.sort_unstable();
        fences.dedup();
        let species = match &rule.subjects {
            SubjectFilter::Species(name) => self.intern_species(name),
            _ => NO_SPECIES,
        };
        let (class, distance_m, dwell_ms) = match rule.trigger {
            Trigger::Enter | Trigger::Exit => (Class::Membership, 0.0, 0),
            Trigger::Dwell { minutes } => (Class::Membership, 0.0, i64::from(minutes) * 60_000),
            Trigger::Proximity { distance_m } => (Class::Proximity, distance_m, 0),
            Trigger::Cross => (Class::Cross, 0.0, 0),
            Trigger::HotspotInside => (Class::Hotspot, 0.0, 0),
        };
        let quiet_ms = rule.quiet_period_s.saturating_mul(1000);

        if let Some(&slot) = self.rule_index.get(&rule.id) {
            if let Some(existing) = self.rules[slot as usize].as_mut() {
                let same_evaluation = existing.rule.trigger == rule.trigger
                    && existing.rule.hysteresis_m == rule.hysteresis_m
                    && existing.rule.subjects == rule.subjects
                    && existing.rule.fences == rule.fences;
                if same_evaluation {
                    existing.quiet_ms = quiet_ms;
                    existing.rule = rule;
                    return Ok(());
                }
            }
            self.unregister_rule(slot);
            for subject in &mut self.subjects {
                subject.forget_rule(slot);
            }
            self.register_rule(
                slot, rule, fences, class, species, quiet_ms, dwell_ms, distance_m,
            );
        } else {
            let slot = match self.free_rules.pop() {
                Some(slot) => slot,
                None => {
                    self.rules.push(None);
                    (self.rules.len() - 1) as u32
                }
            };
            self.rule_index.insert(rule.id, slot);
            self.register_rule(
                slot, rule, fences, class, species, quiet_ms, dwell_ms, distance_m,
            );
        }
        self.refresh_margins();
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn register_rule(
        &mut self,
        slot: u32,
        rule: Rule,
        fences: Vec<FenceId>,
        class: Class,
        species: u32,
        quiet_ms: i64,
        dwell_ms: i64,
        distance_m: f64,
    ) {
        self.generation += 1;
        let entry = RuleSlot {
            rule,
            class,
            since: self.generation,
            species,
            quiet_ms,
            dwell_ms,
            distance_m,
        };
        if class == Class::Cross {
            self.cross_rules += 1;
        }
        if fences.is_empty() {
            self.global_rules.push(slot);
        } else {
            for id in fences {
                self.rules_by_fence.entry(id).or_default().push(slot);
                if let Some(&f) = self.fence_index.get(&id) {
                    if let Some(fence) = self.fences[f as usize].as_mut() {
                        if entry.applies_to(fence.kind) {
                            fence.rules.push(slot);
                        }
                    }
                }
            }
        }
        self.rules[slot as usize] = Some(entry);
    }

    /// Takes a rule out of the fence lists; its slot stays allocated.
    fn unregister_rule(&mut self, slot: u32) {
        let Some(entry) = self.rules[slot as usize].take() else {
            return;
        };
        if entry.class == Class::Cross {
            self.cross_rules -= 1;
        }
        self.global_rules.retain(|&r| r != slot);
        for id in &entry.rule.fences {
            if let Some(list) = self.rules_by_fence.get_mut(id) {
                list.retain(|&r| r != slot);
                if list.is_empty() {
                    self.rules_by_fence.remove(id);
                }
            }
            if let Some(&f) = self.fence_index.get(id) {
                if let Some(fence) = self.fences[f as usize].as_mut() {
                    fence.rules.retain(|&r| r != slot);
                }
            }
        }
    }

    /// Removes a rule with its subjects' state and quiet-period memory. Returns whether it existed.
    pub fn remove_rule(&mut self, id: RuleId) -> bool {
        let Some(slot) = self.rule_index.remove(&id) else {
            return false;
        };
        self.unregister_rule(slot);
        for subject in &mut self.subjects {
            subject.forget_rule(slot);
        }
        self.quiet.retain(|k, _| k.rule != slot);
        self.free_rules.push(slot);
        self.refresh_margins();
        true
    }

    fn intern_species(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.species_index.get(name) {
            return id;
        }
        let id = self.species_names.len() as u32;
        self.species_names.push(name.into());
        self.species_index.insert(name.into(), id);
        id
    }

    // ----------------------------------------------------------------------------------
    // Subjects

    /// Forgets a subject's state and quiet-period memory. Returns whether it was known.
    pub fn remove_subject(&mut self, id: SubjectId) -> bool {
        let Some(index) = self.subject_index.remove(&id) else {
            return false;
        };
        self.subjects.swap_remove(index as usize);
        if let Some(moved) = self.subjects.get(index as usize) {
            self.subject_index.insert(moved.id, index);
        }
        self.quiet.retain(|k, _| k.subject != Some(id));
        true
    }

    /// The fences a subject is currently inside (for at least one enter/exit/dwell rule).
    pub fn inside_fences(&self, id: SubjectId) -> Vec<FenceId> {
        let Some(&index) = self.subject_index.get(&id) else {
            return Vec::new();
        };
        let mut fences: Vec<FenceId> = self.subjects[index as usize]
            .inside
            .iter()
            .filter_map(|m| self.fences[m.fence as usize].as_ref().map(|f| f.id))
            .collect();
        fences.sort_unstable();
        fences.dedup();
        fences
    }

    // ----------------------------------------------------------------------------------
    // Evaluation

    /// Evaluates one fix and pushes the events it raises onto `out` (which is not cleared).
    pub fn evaluate(&mut self, fix: &Fix, out: &mut Vec<Event>) -> Outcome {
        if !fix.lon.is_finite() || !fix.lat.is_finite() {
            return Outcome::NonFiniteCoordinates;
        }
        self.prepare();
        match fix.kind {
            FixKind::Track => match fix.subject {
                Some(subject) => self.evaluate_track(subject, fix, out),
                None => Outcome::MissingSubject,
            },
            FixKind::Sighting | FixKind::Hotspot => {
                self.evaluate_stateless(fix, out);
                Outcome::Evaluated
            }
        }
    }

    fn evaluate_track(&mut self, subject: SubjectId, fix: &Fix, out: &mut Vec<Event>) -> Outcome {
        let known = self.subject_index.get(&subject).copied();
        if let Some(index) = known {
            let last = self.subjects[index as usize].at_ms;
            if fix.at_ms == last {
                return Outcome::Duplicate;
            }
            if fix.at_ms < last {
                return Outcome::OutOfOrder;
            }
        }
        let species = match (&fix.species, known) {
            (None, _) => NO_SPECIES,
            (Some(name), Some(index)) => {
                // Usually the species the subject already has: skip hashing the name.
                let current = self.subjects[index as usize].species;
                match self.species_names.get(current as usize) {
                    Some(known_name) if **known_name == **name => current,
                    _ => self.intern_species(name),
                }
            }
            (Some(name), None) => self.intern_species(name),
        };
        match known {
            Some(index) => {
                let state = &mut self.subjects[index as usize];
                if species != NO_SPECIES {
                    state.species = species;
                }
                self.step(index as usize, fix, false, out);
                Outcome::Evaluated
            }
            None => {
                let index = self.new_subject(subject, species);
                self.step(index, fix, true, out);
                Outcome::Established
            }
        }
    }

    fn new_subject(&mut self, id: SubjectId, species: u32) -> usize {
        let index = self.subjects.len();
        self.subjects.push(SubjectState {
            id,
            species,
            at_ms: i64::MIN,
            lon: 0.0,
            lat: 0.0,
            generation: 0,
            mark: false,
            inside: Vec::new(),
            near: Vec::new(),
            anchors: Vec::new(),
            neighbours: Vec::new(),
            neighbourhood: AABB::from_point([0.0, 0.0]),
            neighbourhood_version: 0,
        });
        self.subject_index.insert(id, index as u32);
        index
    }

    /// Advances subject `index` to `fix`. With `establish`, state is set without events.
    fn step(&mut self, index: usize, fix: &Fix, establish: bool, out: &mut Vec<Event>) {
        let Self {
            shapes,
            fences,
            rules,
            global_rules,
            cross_rules,
            area_tree,
            area_tree_version,
            line_tree,
            subjects,
            quiet,
            generation,
            candidates,
            ..
        } = self;
        let s = &mut subjects[index];
        // Every entry is either refreshed with the new mark or dropped by this step.
        let mark = !s.mark;
        s.mark = mark;
        let here = Here {
            at_ms: fix.at_ms,
            lon: fix.lon,
            lat: fix.lat,
            subject: Some(s.id),
            species: s.species,
        };
        let point = AABB::from_point([fix.lon, fix.lat]);
        let no_rules: &[u32] = &[];

        // Areas: membership (enter, exit, dwell) and proximity.
        let at = [fix.lon, fix.lat];
        if s.neighbourhood_version != *area_tree_version || !s.neighbourhood.contains_point(&at) {
            // Any envelope containing a point of the box intersects the box.
            let d = NEIGHBOURHOOD_DEG;
            s.neighbourhood =
                AABB::from_corners([fix.lon - d, fix.lat - d], [fix.lon + d, fix.lat + d]);
            s.neighbourhood_version = *area_tree_version;
            s.neighbours.clear();
            s.neighbours.extend(
                area_tree
                    .locate_in_envelope_intersecting(&s.neighbourhood)
                    .copied(),
            );
        }
        candidates.clear();
        candidates.extend(
            s.neighbours
                .iter()
                .filter(|i| i.envelope.contains_point(&at))
                .map(|i| i.slot),
        );
        candidates.sort_unstable();
        for &f in candidates.iter() {
            let shape = &shapes[f as usize];
            if shape.kind == Kind::Vacant {
                continue;
            }
            let (x, y) = shape.project(fix.lon, fix.lat);
            let inside = shape.contains(x, y);
            let mut boundary = f64::NAN;
            let specific = match (shape.has_rules, &fences[f as usize]) {
                (true, Some(fence)) => fence.rules.as_slice(),
                _ => no_rules,
            };
            for &r in global_rules.iter().chain(specific) {
                let Some(rule) = rules[r as usize].as_ref() else {
                    continue;
                };
                if !rule.admits(here.subject, here.species) {
                    continue;
                }
                let silent = establish || s.generation < rule.since || s.generation < shape.since;
                match rule.class {
                    Class::Membership => {
                        let h = rule.rule.hysteresis_m;
                        let pos = s.inside.iter().position(|m| m.fence == f && m.rule == r);
                        let now_inside = if h == 0.0 || silent || pos.is_some() == inside {
                            inside
                        } else {
                            // Containment disagrees with the state: it changes only beyond the band.
                            if boundary.is_nan() {
                                boundary = shape.boundary_distance(x, y, f64::from(shape.reach_m));
                            }
                            if pos.is_some() {
                                boundary < h
                            } else {
                                boundary >= h
                            }
                        };
                        match (pos, now_inside) {
                            (None, true) => {
                                s.inside.push(Membership {
                                    fence: f,
                                    rule: r,
                                    entered_at_ms: fix.at_ms,
                                    dwell_fired: false,
                                    seen: mark,
                                });
                                if !silent && rule.rule.trigger == Trigger::Enter {
                                    raise(
                                        quiet,
                                        rule,
                                        r,
                                        fences,
                                        f,
                                        EventKind::Enter,
                                        &here,
                                        None,
                                        out,
                                    );
                                }
                            }
                            (Some(i), false) => {
                                s.inside.swap_remove(i);
                                if !silent && rule.rule.trigger == Trigger::Exit {
                                    raise(
                                        quiet,
                                        rule,
                                        r,
                                        fences,
                                        f,
                                        EventKind::Exit,
                                        &here,
                                        None,
                                        out,
                                    );
                                }
                            }
                            (Some(i), true) => {
                                let m = &mut s.inside[i];
                                m.seen = mark;
                                if !silent
                                    && rule.dwell_ms > 0
                                    && !m.dwell_fired
                                    && fix.at_ms - m.entered_at_ms >= rule.dwell_ms
                                {
                                    m.dwell_fired = raise(
                                        quiet,
                                        rule,
                                        r,
                                        fences,
                                        f,
                                        EventKind::Dwell,
                                        &here,
                                        None,
                                        out,
                                    );
                                }
                            }
                            (None, false) => {}
                        }
                    }
                    Class::Proximity => {
                        let distance = if inside {
                            0.0
                        } else {
                            if boundary.is_nan() {
                                boundary = shape.boundary_distance(x, y, f64::from(shape.reach_m));
                            }
                            boundary
                        };
                        proximity(quiet, fences, s, rule, r, f, distance, silent, &here, out);
                    }
                    Class::Cross | Class::Hotspot => {}
                }
            }
        }

        // Lines: proximity and crossings.
        if line_tree.size() > 0 {
            let first = s.at_ms == i64::MIN;
            let mut envelope = point;
            if *cross_rules > 0 && !first {
                envelope.merge(&AABB::from_point([s.lon, s.lat]));
                for a in &s.anchors {
                    envelope.merge(&AABB::from_point([a.lon, a.lat]));
                }
            }
            candidates.clear();
            candidates.extend(
                line_tree
                    .locate_in_envelope_intersecting(&envelope)
                    .map(|i| i.slot),
            );
            candidates.sort_unstable();
            for &f in candidates.iter() {
                let shape = &shapes[f as usize];
                if shape.kind == Kind::Vacant {
                    continue;
                }
                let (x, y) = shape.project(fix.lon, fix.lat);
                let distance = shape.boundary_distance(x, y, f64::from(shape.reach_m));
                let specific = match (shape.has_rules, &fences[f as usize]) {
                    (true, Some(fence)) => fence.rules.as_slice(),
                    _ => no_rules,
                };
                for &r in global_rules.iter().chain(specific) {
                    let Some(rule) = rules[r as usize].as_ref() else {
                        continue;
                    };
                    if !rule.admits(here.subject, here.species) {
                        continue;
                    }
                    let silent = establish
                        || first
                        || s.generation < rule.since
                        || s.generation < shape.since;
                    match rule.class {
                        Class::Proximity => {
                            proximity(quiet, fences, s, rule, r, f, distance, silent, &here, out);
                        }
                        Class::Cross => {
                            let h = rule.rule.hysteresis_m;
                            let pos = s.anchors.iter().position(|a| a.fence == f && a.rule == r);
                            if silent {
                                // Establish: an anchor only when standing within the band.
                                let anchor = Anchor {
                                    fence: f,
                                    rule: r,
                                    lon: fix.lon,
                                    lat: fix.lat,
                                    seen: mark,
                                };
                                match (pos, distance < h) {
                                    (Some(i), true) => s.anchors[i] = anchor,
                                    (None, true) => s.anchors.push(anchor),
                                    (Some(i), false) => {
                                        s.anchors.swap_remove(i);
                                    }
                                    (None, false) => {}
                                }
                            } else if distance < h {
                                // Within the band: remember where the subject stood before it.
                                match pos {
                                    Some(i) => s.anchors[i].seen = mark,
                                    None => s.anchors.push(Anchor {
                                        fence: f,
                                        rule: r,
                                        lon: s.lon,
                                        lat: s.lat,
                                        seen: mark,
                                    }),
                                }
                            } else {
                                let (from_lon, from_lat) = match pos {
                                    Some(i) => {
                                        let a = s.anchors.swap_remove(i);
                                        (a.lon, a.lat)
                                    }
                                    None => (s.lon, s.lat),
                                };
                                let from = shape.project(from_lon, from_lat);
                                if shape.path_crosses(from, (x, y)) {
                                    raise(
                                        quiet,
                                        rule,
                                        r,
                                        fences,
                                        f,
                                        EventKind::Cross,
                                        &here,
                                        None,
                                        out,
                                    );
                                }
                            }
                        }
                        Class::Membership | Class::Hotspot => {}
                    }
                }
            }
        }

        // Fences no longer among the candidates are farther than any rule's reach: the
        // subject has left them.
        if s.inside.iter().any(|m| m.seen != mark) {
            let subject_generation = s.generation;
            // Exits in the order of the fences and rules, not of the memberships' history
            // (which a restart restores in another order): the same fix raises the same
            // events in the same order, restarted or not.
            s.inside.sort_unstable_by_key(|m| (m.fence, m.rule));
            s.inside.retain(|m| {
                if m.seen == mark {
                    return true;
                }
                let Some(rule) = rules[m.rule as usize].as_ref() else {
                    return false;
                };
                let since = shapes[m.fence as usize].since;
                let silent =
                    establish || subject_generation < rule.since || subject_generation < since;
                if !silent
                    && rule.rule.trigger == Trigger::Exit
                    && rule.admits(here.subject, here.species)
                {
                    raise(
                        quiet,
                        rule,
                        m.rule,
                        fences,
                        m.fence,
                        EventKind::Exit,
                        &here,
                        None,
                        out,
                    );
                }
                false
            });
        }
        s.near.retain(|m| m.seen == mark);
        s.anchors.retain(|a| a.seen == mark);

        s.at_ms = fix.at_ms;
        s.lon = fix.lon;
        s.lat = fix.lat;
        s.generation = *generation;
    }

    fn evaluate_stateless(&mut self, fix: &Fix, out: &mut Vec<Event>) {
        let hotspot = fix.kind == FixKind::Hotspot;
        let species = match (&fix.species, hotspot) {
            (Some(name), false) => self
                .species_index
                .get(name.as_str())
                .copied()
                .unwrap_or(NO_SPECIES),
            _ => NO_SPECIES,
        };
        let here = Here {
            at_ms: fix.at_ms,
            lon: fix.lon,
            lat: fix.lat,
            subject: if hotspot { None } else { fix.subject },
            species,
        };
        let Self {
            shapes,
            fences,
            rules,
            global_rules,
            area_tree,
            line_tree,
            quiet,
            candidates,
            ..
        } = self;
        let point = AABB::from_point([fix.lon, fix.lat]);
        let no_rules: &[u32] = &[];
        // Hotspots concern areas only; sightings also approach lines.
        let trees: &[&Tree] = if hotspot {
            &[&*area_tree]
        } else {
            &[&*area_tree, &*line_tree]
        };
        for tree in trees {
            if tree.size() == 0 {
                continue;
            }
            candidates.clear();
            candidates.extend(tree.locate_in_envelope_intersecting(&point).map(|i| i.slot));
            candidates.sort_unstable();
            for &f in candidates.iter() {
                let shape = &shapes[f as usize];
                if shape.kind == Kind::Vacant {
                    continue;
                }
                let (x, y) = shape.project(fix.lon, fix.lat);
                let inside = shape.contains(x, y);
                let specific = match (shape.has_rules, &fences[f as usize]) {
                    (true, Some(fence)) => fence.rules.as_slice(),
                    _ => no_rules,
                };
                for &r in global_rules.iter().chain(specific) {
                    let Some(rule) = rules[r as usize].as_ref() else {
                        continue;
                    };
                    if !rule.admits(here.subject, here.species) {
                        continue;
                    }
                    match (rule.class, hotspot) {
                        (Class::Hotspot, true) if inside => {
                            raise(
                                quiet,
                                rule,
                                r,
                                fences,
                                f,
                                EventKind::HotspotInside,
                                &here,
                                None,
                                out,
                            );
                        }
                        (Class::Membership, false)
                            if inside && rule.rule.trigger == Trigger::Enter =>
                        {
                            raise(
                                quiet,
                                rule,
                                r,
                                fences,
                                f,
                                EventKind::SightingInside,
                                &here,
                                None,
                                out,
                            );
                        }
                        (Class::Proximity, false) => {
                            let distance = if inside {
                                0.0
                            } else {
                                shape.boundary_distance(x, y, rule.distance_m)
                            };
                            if distance <= rule.distance_m {
                                let kind = EventKind::SightingProximity;
                                raise(quiet, rule, r, fences, f, kind, &here, Some(distance), out);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// Raises dwell events that fell due by `now_ms` for subjects still inside (no new fix
    /// needed), and forgets quiet-period memory that has expired by `now_ms`.
    pub fn tick(&mut self, now_ms: i64, out: &mut Vec<Event>) {
        let Self {
            fences,
            rules,
            subjects,
            quiet,
            ..
        } = self;
        for s in subjects.iter_mut() {
            let here = Here {
                at_ms: now_ms,
                lon: s.lon,
                lat: s.lat,
                subject: Some(s.id),
                species: s.species,
            };
            for m in s.inside.iter_mut() {
                if m.dwell_fired {
                    continue;
                }
                let Some(rule) = rules[m.rule as usize].as_ref() else {
                    continue;
                };
                if rule.dwell_ms > 0
                    && now_ms - m.entered_at_ms >= rule.dwell_ms
                    && rule.admits(here.subject, here.species)
                {
                    m.dwell_fired = raise(
                        quiet,
                        rule,
                        m.rule,
                        fences,
                        m.fence,
                        EventKind::Dwell,
                        &here,
                        None,
                        out,
                    );
                }
            }
        }
        quiet.retain(|k, at| {
            rules
                .get(k.rule as usize)
                .and_then(Option::as_ref)
                .is_some_and(|r| now_ms - *at < r.quiet_ms)
        });
    }

    // ----------------------------------------------------------------------------------
    // Restore

    /// Seeds a subject's state silently from its last known fix (membership, proximity and
    /// crossing state as if it were the subject's first fix). Replaces any state it had.
    pub fn restore_subject(
        &mut self,
        subject: SubjectId,
        last_fix: &Fix,
    ) -> Result<(), RestoreError> {
        if last_fix.kind != FixKind::Track || !last_fix.lon.is_finite() || !last_fix.lat.is_finite()
        {
            return Err(RestoreError::InvalidFix);
        }
        self.prepare();
        let species = match &last_fix.species {
            Some(name) => self.intern_species(name),
            None => NO_SPECIES,
        };
        let index = match self.subject_index.get(&subject) {
            Some(&index) => {
                let s = &mut self.subjects[index as usize];
                if species != NO_SPECIES {
                    s.species = species;
                }
                s.at_ms = i64::MIN;
                s.inside.clear();
                s.near.clear();
                s.anchors.clear();
                index as usize
            }
            None => self.new_subject(subject, species),
        };
        let mut discard = Vec::new();
        self.step(index, last_fix, true, &mut discard);
        Ok(())
    }

    /// Records that the subject has been inside `fence` since `entered_at_ms` (for every
    /// enter/exit/dwell rule watching the fence and the subject), creating the membership if
    /// the last fix alone did not establish it (e.g. it lay within the hysteresis band).
    /// Call after [`Engine::restore_subject`].
    pub fn restore_entered_at(
        &mut self,
        subject: SubjectId,
        fence: FenceId,
        entered_at_ms: i64,
    ) -> Result<(), RestoreError> {
        let index = *self
            .subject_index
            .get(&subject)
            .ok_or(RestoreError::UnknownSubject(subject))?;
        let f = *self
            .fence_index
            .get(&fence)
            .ok_or(RestoreError::UnknownFence(fence))?;
        let Self {
            fences,
            rules,
            global_rules,
            subjects,
            ..
        } = self;
        let Some(slot) = fences[f as usize].as_ref() else {
            return Err(RestoreError::UnknownFence(fence));
        };
        let s = &mut subjects[index as usize];
        for &r in global_rules.iter().chain(slot.rules.iter()) {
            let Some(rule) = rules[r as usize].as_ref() else {
                continue;
            };
            if rule.class != Class::Membership
                || !rule.applies_to(slot.kind)
                || !rule.admits(Some(subject), s.species)
            {
                continue;
            }
            match s.inside.iter_mut().find(|m| m.fence == f && m.rule == r) {
                Some(m) => m.entered_at_ms = entered_at_ms,
                None => s.inside.push(Membership {
                    fence: f,
                    rule: r,
                    entered_at_ms,
                    dwell_fired: false,
                    seen: s.mark,
                }),
            }
        }
        Ok(())
    }

    /// Records the last event of `rule` for (`subject`, `fence`) at `at_ms`: it starts the
    /// quiet period, and for a dwell rule whose subject is inside since at most `at_ms` it
    /// marks the dwell of the current visit as raised. Call after [`Engine::restore_subject`]
    /// and [`Engine::restore_entered_at`]. `subject` is `None` for hotspots and sightings
    /// without a subject.
    pub fn restore_last_event(
        &mut self,
        rule: RuleId,
        subject: Option<SubjectId>,
        fence: FenceId,
        at_ms: i64,
    ) -> Result<(), RestoreError> {
        let r = *self
            .rule_index
            .get(&rule)
            .ok_or(RestoreError::UnknownRule(rule))?;
        let f = *self
            .fence_index
            .get(&fence)
            .ok_or(RestoreError::UnknownFence(fence))?;
        let Some(slot) = self.rules[r as usize].as_ref() else {
            return Err(RestoreError::UnknownRule(rule));
        };
        if slot.dwell_ms > 0 {
            if let Some(id) = subject {
                let index = *self
                    .subject_index
                    .get(&id)
                    .ok_or(RestoreError::UnknownSubject(id))?;
                let s = &mut self.subjects[index as usize];
                for m in s.inside.iter_mut().filter(|m| m.fence == f && m.rule == r) {
                    if m.entered_at_ms <= at_ms {
                        m.dwell_fired = true;
                    }
                }
            }
        }
        if slot.quiet_ms > 0 {
            let last = self
                .quiet
                .entry(QuietKey {
                    rule: r,
                    fence: f,
                    subject,
                })
                .or_insert(at_ms);
            *last = (*last).max(at_ms);
        }
        Ok(())
    }
}

/// Proximity state for one (rule, fence): raise on coming within the distance, re-arm only
/// beyond distance + hysteresis.
#[allow(clippy::too_many_arguments)]
#[inline]
fn proximity(
    quiet: &mut FastMap<QuietKey, i64>,
    fences: &[Option<FenceSlot>],
    s: &mut SubjectState,
    rule: &RuleSlot,
    r: u32,
    f: u32,
    distance: f64,
    silent: bool,
    here: &Here,
    out: &mut Vec<Event>,
) {
    let pos = s.near.iter().position(|m| m.fence == f && m.rule == r);
    let near = match pos {
        Some(_) if !silent => distance <= rule.distance_m + rule.rule.hysteresis_m,
        _ => distance <= rule.distance_m,
    };
    match (pos, near) {
        (None, true) => {
            s.near.push(Near {
                fence: f,
                rule: r,
                seen: s.mark,
            });
            if !silent {
                raise(
                    quiet,
                    rule,
                    r,
                    fences,
                    f,
                    EventKind::Proximity,
                    here,
                    Some(distance),
                    out,
                );
            }
        }
        (Some(i), true) => s.near[i].seen = s.mark,
        (Some(i), false) => {
            s.near.swap_remove(i);
        }
        (None, false) => {}
    }
}
