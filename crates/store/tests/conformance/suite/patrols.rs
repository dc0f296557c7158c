//! Conformance: joint patrols, their members and legs.

use chrono::NaiveDate;
use sinergi_core::ids::{LegId, PatrolId};
use sinergi_core::patrol::track::{Track, TrackPoint};
use sinergi_core::patrol::{
    Leg, Mandate, Member, MemberRole, Patrol, PatrolStatus, TrackSource, Transport,
};
use sinergi_core::time::Zone;
use sinergi_store::LegInsert;

use super::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 5, d).unwrap_or_default()
}

fn patrol(n: u64, w: &World, owner: usize, members: &[usize], start: u32) -> Patrol {
    let leader = &w.users[owner];
    let mut list = vec![Member {
        agency_id: w.agencies[owner].id,
        user_id: Some(leader.id),
        name: leader.display_name.clone(),
        role: MemberRole::Leader,
    }];
    for &i in members {
        list.push(Member {
            agency_id: w.agencies[i].id,
            user_id: Some(w.users[i].id),
            name: w.users[i].display_name.clone(),
            role: MemberRole::Member,
        });
    }
    list.push(Member {
        agency_id: w.agencies[owner].id,
        user_id: None,
        name: "Pak Budi (pemandu desa)".into(),
        role: MemberRole::Member,
    });
    Patrol {
        id: PatrolId::new_at(t0(), rid(n)),
        owner_agency_id: w.agencies[owner].id,
        title: format!("Patroli {n}"),
        mandate: Mandate::JointOperation,
        transport: Transport::Foot,
        leader: leader.id,
        members: list,
        planned_start: day(start),
        planned_end: day(start + 2),
        area: Some("15.08".into()),
        status: PatrolStatus::Planned,
        sensitivity: Sensitivity::Restricted,
        version: 1,
        created_by: leader.id,
        created_at: t0(),
        updated_at: t0(),
    }
}

fn track(shift: f64, points: usize) -> Track {
    let seg = |k: usize| -> Vec<TrackPoint> {
        (0..points)
            .map(|i| TrackPoint {
                lon: 103.6 + shift + i as f64 * 0.001,
                lat: -1.6 - k as f64 * 0.01,
                ele: if i % 2 == 0 { Some(40.5) } else { None },
                time: t0() + Duration::seconds((k * points + i) as i64 * 30),
            })
            .collect()
    };
    Track {
        segments: vec![seg(0), seg(1)],
    }
}

fn leg(n: u64, p: &Patrol, t: Track) -> Leg {
    Leg::new(
        LegId::new_at(t0(), rid(n)),
        p.id,
        t,
        TrackSource::Gpx,
        Zone::Wib,
        t0(),
    )
}

pub async fn patrols_are_stored_with_members_and_legs_once(s: &dyn Store) {
    let w = world(s).await;
    // Organised by agency 1, with a member of agency 3.
    let joint = patrol(1, &w, 1, &[3], 10);
    let first = leg(11, &joint, track(0.0, 50));
    assert!(s
        .insert_patrol(
            &joint,
            std::slice::from_ref(&first),
            &audit(Action::PatrolCreate)
        )
        .await
        .expect("insert"));
    assert!(
        !s.insert_patrol(&joint, &[], &audit(Action::PatrolCreate))
            .await
            .expect("again"),
        "the same id again writes nothing"
    );
    let own = patrol(2, &w, 2, &[], 20);
    s.insert_patrol(&own, &[], &audit(Action::PatrolCreate))
        .await
        .expect("own");
    let mut public = patrol(3, &w, 0, &[], 5);
    public.sensitivity = Sensitivity::Public;
    s.insert_patrol(&public, &[], &audit(Action::PatrolCreate))
        .await
        .expect("public");

    assert_eq!(s.patrol(joint.id).await.expect("get"), Some(joint.clone()));
    assert_eq!(
        s.patrol(PatrolId::new_at(t0(), rid(99)))
            .await
            .expect("none"),
        None
    );
    let ids = |v: Vec<Patrol>| v.into_iter().map(|p| p.id).collect::<Vec<_>>();
    // Organiser or member; newest planned start first.
    assert_eq!(
        ids(s
            .patrols_for_agencies(&[w.agencies[3].id], false)
            .await
            .expect("member")),
        [joint.id]
    );
    assert_eq!(
        ids(s
            .patrols_for_agencies(&[w.agencies[1].id, w.agencies[2].id], false)
            .await
            .expect("two")),
        [own.id, joint.id]
    );
    assert_eq!(
        ids(s
            .patrols_for_agencies(&[w.agencies[3].id], true)
            .await
            .expect("with public")),
        [joint.id, public.id]
    );
    assert!(s
        .patrols_for_agencies(&[], false)
        .await
        .expect("none")
        .is_empty());
    let listed = s
        .patrols_for_agencies(&[w.agencies[1].id], false)
        .await
        .expect("one");
    assert_eq!(listed, vec![joint.clone()], "members read back in order");

    // Legs: stored exactly; the same track again is a duplicate naming the leg.
    assert_eq!(s.legs(joint.id).await.expect("legs"), vec![first.clone()]);
    let second = leg(12, &joint, track(0.5, 2_000));
    assert_eq!(
        s.insert_leg(&second, &audit(Action::PatrolTrackAdd))
            .await
            .expect("leg"),
        LegInsert::Inserted
    );
    let again = leg(13, &joint, track(0.5, 2_000));
    assert_eq!(
        s.insert_leg(&again, &audit(Action::PatrolTrackAdd))
            .await
            .expect("dup"),
        LegInsert::Duplicate(second.id)
    );
    // The same track on another patrol is that patrol's own leg.
    let elsewhere = leg(14, &own, track(0.5, 2_000));
    assert_eq!(
        s.insert_leg(&elsewhere, &audit(Action::PatrolTrackAdd))
            .await
            .expect("other patrol"),
        LegInsert::Inserted
    );
    assert_eq!(
        s.legs(joint.id).await.expect("legs"),
        vec![first.clone(), second.clone()]
    );
    // Two uploads of one track at once: one leg.
    let (a, b) = (
        leg(15, &joint, track(1.0, 10)),
        leg(16, &joint, track(1.0, 10)),
    );
    let entry = audit(Action::PatrolTrackAdd);
    let (x, y) = tokio::join!(s.insert_leg(&a, &entry), s.insert_leg(&b, &entry));
    let mut outcomes = [x.expect("a"), y.expect("b")];
    outcomes.sort_by_key(|o| matches!(o, LegInsert::Duplicate(_)));
    assert_eq!(outcomes[0], LegInsert::Inserted);
    assert!(matches!(outcomes[1], LegInsert::Duplicate(id) if id == a.id || id == b.id));
    assert_eq!(s.legs(joint.id).await.expect("legs").len(), 3);

    // Versioned update, members replaced.
    let mut changed = joint.clone();
    changed.title = "Patroli gabungan".into();
    changed.status = PatrolStatus::UnderWay;
    changed.members.truncate(1);
    changed.version = 2;
    assert_eq!(
        s.update_patrol(&changed, 1, &audit(Action::PatrolUpdate))
            .await
            .expect("update"),
        UpdateOutcome::Updated
    );
    assert_eq!(
        s.update_patrol(&changed, 1, &audit(Action::PatrolUpdate))
            .await
            .expect("stale"),
        UpdateOutcome::VersionMismatch(2)
    );
    let mut ghost = changed.clone();
    ghost.id = PatrolId::new_at(t0(), rid(98));
    assert_eq!(
        s.update_patrol(&ghost, 1, &audit(Action::PatrolUpdate))
            .await
            .expect("ghost"),
        UpdateOutcome::NotFound
    );
    assert_eq!(s.patrol(joint.id).await.expect("get"), Some(changed));
    assert!(
        s.patrols_for_agencies(&[w.agencies[3].id], false)
            .await
            .expect("no longer a member")
            .is_empty(),
        "the member agency left with its member"
    );

    // Every write is audited (6 set-up entries by `world`), duplicates are not.
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
    assert_eq!(count(Action::PatrolCreate), 3);
    assert_eq!(count(Action::PatrolTrackAdd), 3);
    assert_eq!(count(Action::PatrolUpdate), 1);
}

pub async fn patrol_observations_findings_and_leg_figures(s: &dyn Store) {
    use sinergi_core::patrol::effort;
    use sinergi_core::patrol::gpx::Waypoint;
    use sinergi_core::patrol::observation::Observation;

    let w = world(s).await;
    let p = patrol(1, &w, 1, &[3], 10);
    let t = track(0.0, 50);
    let first = leg(11, &p, t.clone());
    s.insert_patrol(
        &p,
        std::slice::from_ref(&first),
        &audit(Action::PatrolCreate),
    )
    .await
    .expect("insert");
    let other = patrol(2, &w, 2, &[], 20);
    s.insert_patrol(&other, &[], &audit(Action::PatrolCreate))
        .await
        .expect("other");

    // Leg figures: distance, duration and the covered cells, without the track.
    let figures = s
        .leg_figures(&[p.id, other.id], first.date, first.date)
        .await
        .expect("figures");
    assert!(s
        .leg_figures(&[p.id], first.date.succ_opt().expect("next"), day(31))
        .await
        .expect("later")
        .is_empty());
    assert_eq!(figures.len(), 1);
    assert_eq!(figures[0].patrol_id, p.id);
    assert_eq!(figures[0].date, first.date);
    assert!((figures[0].distance_m - effort::distance(&t) * 1000.0).abs() < 1e-6);
    let cells: Vec<_> = effort::cells(&t).into_iter().collect();
    assert!(!cells.is_empty());
    assert_eq!(figures[0].cells, cells);

    // Observations: kept once, in time order; a second import adds none.
    let wp = |name: &str, minutes: i64| Waypoint {
        lon: 103.61,
        lat: -1.61,
        ele: None,
        time: Some(t0() + Duration::minutes(minutes)),
        name: Some(name.into()),
        desc: Some("di jalur".into()),
    };
    let obs: Vec<Observation> = [wp("Jerat", 20), wp("Tebangan", 5)]
        .iter()
        .map(|x| Observation::of_waypoint(p.id, x, w.users[1].id, t0()))
        .collect();
    let entry = audit(Action::PatrolObservationsAdd);
    assert_eq!(s.add_observations(&obs, &entry).await.expect("add"), 2);
    assert_eq!(s.add_observations(&obs, &entry).await.expect("again"), 0);
    let kept = s.observations(p.id).await.expect("list");
    assert_eq!(
        kept.iter()
            .map(|(o, _)| o.name.clone().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["Tebangan", "Jerat"]
    );
    assert_eq!(kept[1].0, obs[0]);
    assert!(kept.iter().all(|(_, reported)| !reported));
    assert!(s.observations(other.id).await.expect("none").is_empty());

    // Dismissed and restored; another patrol's observation is not found.
    let dismiss = audit(Action::PatrolObservationDismiss);
    assert!(s
        .set_observation_dismissed(p.id, obs[0].id, true, &dismiss)
        .await
        .expect("dismiss"));
    assert!(!s
        .set_observation_dismissed(other.id, obs[0].id, true, &dismiss)
        .await
        .expect("not its own"));
    assert!(s.observations(p.id).await.expect("list")[1].0.dismissed);

    // A report with an observation's id confirms it and is a finding; a linked report is
    // one too; linking it again writes nothing.
    let mut confirmed = report(
        2,
        &w.agencies[1],
        &w.users[1],
        Sensitivity::Internal,
        103.61,
        -1.61,
    );
    confirmed.id = obs[1].id;
    s.insert_report(
        &confirmed,
        &created(&w.users[1], confirmed.created_at),
        &audit(Action::ReportCreate),
    )
    .await
    .expect("report");
    let linked = report(
        4,
        &w.agencies[1],
        &w.users[1],
        Sensitivity::Internal,
        103.7,
        -1.7,
    );
    s.insert_report(
        &linked,
        &created(&w.users[1], linked.created_at),
        &audit(Action::ReportCreate),
    )
    .await
    .expect("report");
    let link = audit(Action::PatrolFindingLink);
    assert!(s
        .link_finding(p.id, linked.id, w.users[1].id, t0(), &link)
        .await
        .expect("link"));
    assert!(!s
        .link_finding(p.id, linked.id, w.users[1].id, t0(), &link)
        .await
        .expect("again"));
    // The confirmed observation linked as well is still one finding.
    s.link_finding(p.id, confirmed.id, w.users[1].id, t0(), &link)
        .await
        .expect("both ways");
    let kept = s.observations(p.id).await.expect("list");
    assert!(kept[0].1, "the observation with a report is confirmed");
    let mut expected = vec![(p.id, confirmed.id), (p.id, linked.id)];
    expected.sort();
    assert_eq!(
        s.findings(&[p.id, other.id]).await.expect("findings"),
        expected
    );
    assert!(s.findings(&[other.id]).await.expect("none").is_empty());

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
    assert_eq!(
        count(Action::PatrolObservationsAdd),
        1,
        "nothing new, no entry"
    );
    assert_eq!(count(Action::PatrolObservationDismiss), 1);
    assert_eq!(count(Action::PatrolFindingLink), 2);
}
