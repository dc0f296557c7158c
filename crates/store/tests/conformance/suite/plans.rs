//! Conformance: plans and the tree of their nodes (ADR 23).

use chrono::NaiveDate;
use sinergi_core::coordination::{Group, GroupKind};
use sinergi_core::ids::{GroupId, PlanId, PlanNodeId};
use sinergi_core::plan::{
    Activity, ActivityKind, Evidence, EvidenceKind, NodeKind, NodeStatus, Participants, Plan,
    PlanKind, PlanNode, Target,
};
use sinergi_store::NodeUpdate;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn node(n: u64, p: &Plan, parent: Option<&PlanNode>, kind: NodeKind, w: &World) -> PlanNode {
    PlanNode {
        id: PlanNodeId::new_at(t0(), rid(n)),
        plan_id: p.id,
        parent_id: parent.map(|x| x.id),
        position: n as i64,
        kind,
        title: format!("Butir {n}"),
        description: None,
        responsible_agency_id: w.agencies[2].id,
        supporting: vec![],
        starts_on: None,
        ends_on: None,
        budget: None,
        funding_source: None,
        target: None,
        achieved: None,
        status: NodeStatus::Planned,
        activity: None,
        evidence: vec![],
        version: 1,
        created_by: p.created_by,
        created_at: t0(),
        updated_at: t0(),
    }
}

pub async fn plans_and_their_trees(s: &dyn Store) {
    let w = world(s).await;
    let g = Group {
        id: GroupId::new_at(t0(), rid(1)),
        owner_agency_id: w.agencies[2].id,
        name: "Pokja Pengamanan Kawasan TNKS".into(),
        kind: GroupKind::Pokja,
        legal_basis: "Nota Kesepahaman 14 Maret 2017".into(),
        agreement_id: None,
        agencies: vec![w.agencies[2].id, w.agencies[3].id],
        people: vec![],
        period_from: day(2017, 5, 29),
        period_until: None,
        version: 1,
        created_by: w.users[2].id,
        created_at: t0(),
        updated_at: t0(),
    };
    s.insert_group(&g, &audit(Action::GroupCreate))
        .await
        .expect("group");
    let p = Plan {
        id: PlanId::new_at(t0(), rid(2)),
        group_id: g.id,
        kind: PlanKind::JointWorkPlan,
        title: "Rencana kerja bersama 2017–2019".into(),
        description: Some("Pengamanan dan perlindungan kawasan\nTNKS".into()),
        period_from: day(2017, 6, 1),
        period_until: day(2019, 12, 31),
        version: 1,
        created_by: w.users[2].id,
        created_at: t0(),
        updated_at: t0(),
    };
    assert!(s
        .insert_plan(&p, &audit(Action::PlanCreate))
        .await
        .expect("plan"));
    assert!(
        !s.insert_plan(&p, &audit(Action::PlanCreate))
            .await
            .expect("again"),
        "the same id again writes nothing"
    );
    assert_eq!(s.plan(p.id).await.expect("read"), Some(p.clone()));
    let mut later = p.clone();
    later.id = PlanId::new_at(t0(), rid(3));
    later.kind = PlanKind::Roadmap;
    later.description = None;
    later.period_from = day(2020, 1, 1);
    later.period_until = day(2020, 1, 1);
    s.insert_plan(&later, &audit(Action::PlanCreate))
        .await
        .expect("later");
    let listed: Vec<PlanId> = s
        .plans_of_group(g.id)
        .await
        .expect("list")
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(listed, [p.id, later.id], "the earliest period first");

    let mut changed = p.clone();
    changed.title = "Rencana kerja bersama".into();
    changed.version = 2;
    assert_eq!(
        s.update_plan(&changed, 1, &audit(Action::PlanUpdate))
            .await
            .expect("update"),
        UpdateOutcome::Updated
    );
    assert_eq!(
        s.update_plan(&changed, 1, &audit(Action::PlanUpdate))
            .await
            .expect("stale"),
        UpdateOutcome::VersionMismatch(2)
    );

    // A tree: a goal, a programme under it, a training under the programme with every
    // field filled in.
    let goal = node(10, &p, None, NodeKind::Goal, &w);
    let prog = node(11, &p, Some(&goal), NodeKind::Programme, &w);
    let mut training = node(12, &p, Some(&prog), NodeKind::Activity, &w);
    training.description = Some("Pelatihan GIS bagi personil kepolisian".into());
    training.supporting = vec![w.agencies[3].id, w.agencies[0].id];
    training.starts_on = Some(day(2017, 8, 1));
    training.ends_on = Some(day(2017, 8, 5));
    training.budget = Some(45_000_000);
    training.funding_source = Some("Proyek Transforming Effectiveness".into());
    training.target = Some(Target {
        indicator: "personil terlatih".into(),
        unit: Some("orang".into()),
        value: 40.0,
    });
    training.achieved = Some(12.5);
    training.status = NodeStatus::UnderWay;
    training.activity = Some(Activity {
        kind: ActivityKind::Training,
        participants: vec![Participants {
            agency_id: w.agencies[3].id,
            male: 10,
            female: 2,
        }],
        materials: vec!["Dasar GIS".into(), "Peta patroli".into()],
        area: None,
        audience: None,
        boards: None,
        dataset: None,
        agreement_id: None,
    });
    training.evidence = vec![
        Evidence {
            kind: EvidenceKind::Patrol,
            id: Some(uuid::Uuid::from_u128(5)),
            url: None,
        },
        Evidence {
            kind: EvidenceKind::Url,
            id: None,
            url: Some("https://example.org/foto".into()),
        },
    ];
    for n in [&goal, &prog, &training] {
        assert!(s
            .insert_plan_node(n, &audit(Action::PlanNodeCreate))
            .await
            .expect("node"));
    }
    assert!(!s
        .insert_plan_node(&goal, &audit(Action::PlanNodeCreate))
        .await
        .expect("again"));
    assert_eq!(
        s.plan_node(training.id).await.expect("read"),
        Some(training.clone()),
        "every field round-trips"
    );
    let ids: Vec<PlanNodeId> = s
        .plan_nodes(p.id)
        .await
        .expect("nodes")
        .into_iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(ids, [goal.id, prog.id, training.id], "by position");
    assert!(s.plan_nodes(later.id).await.expect("none").is_empty());

    // Moving the goal under the training (its own descendant) is refused in the store
    // too, and nothing changes.
    let mut cyc = goal.clone();
    cyc.parent_id = Some(training.id);
    cyc.version = 2;
    assert_eq!(
        s.update_plan_node(&cyc, 1, true, &audit(Action::PlanNodeUpdate))
            .await
            .expect("cycle"),
        NodeUpdate::Cycle
    );
    assert_eq!(
        s.plan_node(goal.id).await.expect("read"),
        Some(goal.clone())
    );

    // Moving the training to the top, recording progress.
    let mut moved = training.clone();
    moved.parent_id = None;
    moved.achieved = Some(40.0);
    moved.status = NodeStatus::Done;
    moved.version = 2;
    assert_eq!(
        s.update_plan_node(&moved, 1, true, &audit(Action::PlanNodeUpdate))
            .await
            .expect("move"),
        NodeUpdate::Updated
    );
    assert_eq!(
        s.update_plan_node(&moved, 1, false, &audit(Action::PlanNodeUpdate))
            .await
            .expect("stale"),
        NodeUpdate::VersionMismatch(2)
    );
    let mut missing = moved.clone();
    missing.id = PlanNodeId::new_at(t0(), rid(99));
    assert_eq!(
        s.update_plan_node(&missing, 1, false, &audit(Action::PlanNodeUpdate))
            .await
            .expect("missing"),
        NodeUpdate::NotFound
    );
    assert_eq!(s.plan_node(training.id).await.expect("read"), Some(moved));

    let entries = s
        .audit_entries(&AuditFilter {
            ascending: true,
            limit: 10_000,
            ..Default::default()
        })
        .await
        .expect("audit");
    verify(&entries).expect("chain");
    let count = |a: Action| entries.iter().filter(|e| e.action == a.as_str()).count();
    assert_eq!(count(Action::PlanCreate), 2, "only writes are audited");
    assert_eq!(
        count(Action::PlanUpdate),
        1,
        "a refused change leaves no entry"
    );
    assert_eq!(count(Action::PlanNodeCreate), 3);
    assert_eq!(count(Action::PlanNodeUpdate), 1);
}
