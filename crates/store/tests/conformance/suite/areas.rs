//! Conformance: area profiles, their history, posts and post reports (ADR 25).

use chrono::NaiveDate;
use sinergi_core::area::{
    AreaPost, AreaProfile, Aspect, Assessment, Condition, PostCounts, PostReport, Rating,
};
use sinergi_core::coordination::{Group, GroupKind};
use sinergi_core::ids::{AreaPostId, GroupId, PlanId, PlanNodeId, PostReportId};
use sinergi_core::plan::{NodeKind, NodeStatus, Plan, PlanKind, PlanNode};

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub async fn area_profiles_keep_every_version(s: &dyn Store) {
    let w = world(s).await;
    let g = Group {
        id: GroupId::new_at(t0(), rid(1)),
        owner_agency_id: w.agencies[2].id,
        name: "Tim Terpadu P4GN".into(),
        kind: GroupKind::TimTerpadu,
        legal_basis: "SK Lurah".into(),
        agreement_id: None,
        agencies: vec![w.agencies[2].id],
        people: vec![],
        period_from: day(2021, 8, 26),
        period_until: None,
        version: 1,
        created_by: w.users[2].id,
        created_at: t0(),
        updated_at: t0(),
    };
    s.insert_group(&g, &audit(Action::GroupCreate))
        .await
        .expect("group");
    let plan = Plan {
        id: PlanId::new_at(t0(), rid(2)),
        group_id: g.id,
        kind: PlanKind::Roadmap,
        title: "Peta jalan Kelurahan Bersinar".into(),
        description: None,
        period_from: day(2021, 9, 1),
        period_until: day(2025, 12, 31),
        version: 1,
        created_by: w.users[2].id,
        created_at: t0(),
        updated_at: t0(),
    };
    s.insert_plan(&plan, &audit(Action::PlanCreate))
        .await
        .expect("plan");
    let stage = |n: u64| PlanNode {
        id: PlanNodeId::new_at(t0(), rid(10 + n)),
        plan_id: plan.id,
        parent_id: None,
        position: n as i64,
        kind: NodeKind::Stage,
        title: format!("Tahap {n}"),
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
        created_by: w.users[2].id,
        created_at: t0(),
        updated_at: t0(),
    };
    let (s1, s2) = (stage(1), stage(2));
    for n in [&s1, &s2] {
        s.insert_plan_node(n, &audit(Action::PlanNodeCreate))
            .await
            .expect("stage");
    }

    let mut needs = std::collections::BTreeMap::new();
    needs.insert(
        Aspect::Infrastructure,
        Assessment {
            note: Some("Gang sempit, tanpa pasar".into()),
            rating: Some(Rating::Lacking),
        },
    );
    let a = AreaProfile {
        code: "31.73.07.1006".into(),
        owner_agency_id: w.agencies[2].id,
        condition: Condition::DrugProne,
        summary: Some("Kampung Boncos\nrawan narkoba".into()),
        needs,
        roadmap_id: Some(plan.id),
        stage_id: Some(s1.id),
        stage_since: Some(day(2021, 8, 26)),
        version: 1,
        created_by: w.users[2].id,
        created_at: t0(),
        updated_by: w.users[2].id,
        updated_at: t0(),
    };
    assert!(s
        .insert_area(&a, &audit(Action::AreaCreate))
        .await
        .expect("area"));
    assert!(
        !s.insert_area(&a, &audit(Action::AreaCreate))
            .await
            .expect("again"),
        "a code has one profile"
    );
    assert_eq!(s.area(&a.code).await.expect("read"), Some(a.clone()));

    let mut other = a.clone();
    other.code = "31.73.07.1001".into();
    other.roadmap_id = None;
    other.stage_id = None;
    other.stage_since = None;
    other.needs.clear();
    s.insert_area(&other, &audit(Action::AreaCreate))
        .await
        .expect("other");
    let mut far = other.clone();
    far.code = "15.71.01.1001".into();
    s.insert_area(&far, &audit(Action::AreaCreate))
        .await
        .expect("far");
    let codes = |v: Vec<AreaProfile>| v.into_iter().map(|a| a.code).collect::<Vec<_>>();
    assert_eq!(
        codes(s.areas("31.73").await.expect("list")),
        ["31.73.07.1001", "31.73.07.1006"],
        "by code, within the prefix"
    );
    assert_eq!(s.areas("").await.expect("all").len(), 3);
    assert!(s.areas("31%").await.expect("wild").is_empty());

    let mut next = a.clone();
    next.stage_id = Some(s2.id);
    next.stage_since = Some(day(2023, 3, 1));
    next.condition = Condition::Recovering;
    next.version = 2;
    next.updated_at = t0() + Duration::days(1);
    assert_eq!(
        s.update_area(&next, 1, &audit(Action::AreaUpdate))
            .await
            .expect("update"),
        UpdateOutcome::Updated
    );
    let mut stale = next.clone();
    stale.summary = None;
    stale.version = 2;
    assert_eq!(
        s.update_area(&stale, 1, &audit(Action::AreaUpdate))
            .await
            .expect("stale"),
        UpdateOutcome::VersionMismatch(2)
    );
    let mut missing = next.clone();
    missing.code = "31.73.07.1999".into();
    assert_eq!(
        s.update_area(&missing, 1, &audit(Action::AreaUpdate))
            .await
            .expect("missing"),
        UpdateOutcome::NotFound
    );
    assert_eq!(s.area(&a.code).await.expect("read"), Some(next.clone()));
    let history = s.area_history(&a.code).await.expect("history");
    assert_eq!(history.len(), 2, "a refused change adds no version");
    assert_eq!(history[0].profile, next, "the newest first");
    assert_eq!(history[1].profile, a, "the first version kept whole");
    assert_eq!(history[1].changed_at, t0());

    let post = AreaPost {
        id: AreaPostId::new_at(t0(), rid(30)),
        area_code: a.code.clone(),
        name: "Posko Kampung Boncos".into(),
        lon: 106.8034,
        lat: -6.1873,
        responsible_agency_id: w.agencies[3].id,
        cadence_days: 7,
        created_by: w.users[2].id,
        created_at: t0(),
    };
    assert!(s
        .insert_area_post(&post, &audit(Action::AreaPostCreate))
        .await
        .expect("post"));
    assert!(!s
        .insert_area_post(&post, &audit(Action::AreaPostCreate))
        .await
        .expect("again"));
    assert_eq!(
        s.area_post(post.id).await.expect("read"),
        Some(post.clone())
    );
    assert_eq!(
        s.area_posts(&a.code).await.expect("posts"),
        std::slice::from_ref(&post)
    );
    assert!(s.area_posts(&other.code).await.expect("none").is_empty());
    let report = |n: u64, d: NaiveDate| PostReport {
        id: PostReportId::new_at(t0(), rid(40 + n)),
        post_id: post.id,
        reported_on: d,
        summary: format!("Laporan {n}"),
        counts: PostCounts {
            incidents: n as u32,
            outreach: 10,
            referrals: 1,
        },
        created_by: w.users[2].id,
        created_at: t0(),
    };
    let (r1, r2) = (report(1, day(2021, 9, 1)), report(2, day(2021, 9, 8)));
    for r in [&r1, &r2] {
        assert!(s
            .insert_post_report(r, &audit(Action::AreaPostReportCreate))
            .await
            .expect("report"));
    }
    assert!(!s
        .insert_post_report(&r1, &audit(Action::AreaPostReportCreate))
        .await
        .expect("again"));
    assert_eq!(s.post_report(r1.id).await.expect("read"), Some(r1.clone()));
    assert_eq!(
        s.post_reports(post.id).await.expect("reports"),
        [r2, r1],
        "the latest day first"
    );

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
    assert_eq!(count(Action::AreaCreate), 3, "only writes are audited");
    assert_eq!(
        count(Action::AreaUpdate),
        1,
        "a refused change leaves no entry"
    );
    assert_eq!(count(Action::AreaPostCreate), 1);
    assert_eq!(count(Action::AreaPostReportCreate), 2);
}
