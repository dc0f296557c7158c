//! Conformance: the visibility rule in SQL, with agreement grants and referrals.

use super::*;

/// The SQL form of the visibility rule must admit exactly what `ViewScope::admits` admits.
/// The SQL form of the visibility rule must admit exactly what the core decision admits,
/// for every role and relation, with agreement grants and referrals (live, expired,
/// revoked, to an agency and to a user) in play.
pub async fn visibility_in_sql_matches_the_policy(s: &dyn Store) {
    let w = world(s).await;
    let mut all = Vec::new();
    let mut n = 0;
    for (ai, a) in w.agencies.iter().enumerate() {
        for sens in Sensitivity::ALL {
            for author in [&w.users[ai], &w.users[(ai + 1) % w.users.len()]] {
                n += 1;
                all.push(report(n, a, author, sens, 103.0, -1.5));
            }
        }
    }
    s.bulk_insert_reports(&all).await.expect("bulk");
    let now = t0() + Duration::days(1);
    // Referrals: BNNK's restricted report to POLDA (live), another to POLDA (expired), one
    // to user0 (revoked), one to user3 (live, break-glass style).
    let restricted: Vec<&Report> = all
        .iter()
        .filter(|r| r.sensitivity >= Sensitivity::Restricted)
        .collect();
    let mut refs = Vec::new();
    for (i, (r, to_agency, to_user, until, revoked)) in [
        (
            restricted[4],
            Some(w.agencies[3].id),
            None,
            now + Duration::hours(1),
            false,
        ),
        (
            restricted[5],
            Some(w.agencies[3].id),
            None,
            now - Duration::hours(1),
            false,
        ),
        (
            restricted[0],
            None,
            Some(w.users[0].id),
            now + Duration::hours(1),
            true,
        ),
        (
            restricted[1],
            None,
            Some(w.users[3].id),
            now + Duration::hours(1),
            false,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let row = ReferralRow {
            id: ReferralId::new_at(t0(), rid(500 + i as u64)),
            report_id: r.id,
            kind: "referral".into(),
            to_agency,
            to_user,
            reason: "uji".into(),
            until,
            created_by: r.author_id,
            created_at: t0(),
            revoked_at: revoked.then_some(now),
        };
        s.insert_referral(&row, &audit(Action::ReportRead), &[])
            .await
            .expect("referral");
        refs.push(row);
    }
    // A grant for POLDA: BNNP's and BNNK's snare reports up to internal.
    let grant = Grant {
        owners: vec![w.agencies[1].id, w.agencies[2].id],
        type_keys: vec!["snare_found".into()],
        max_sensitivity: Sensitivity::Internal,
        withheld_fields: vec![],
        precision: Precision::Exact,
    };
    for u in &w.users {
        for role in Role::ALL {
            let actor = Actor {
                user_id: u.id,
                username: u.username.to_string(),
                agency_id: u.agency_id,
                role,
                agency_descendants: s
                    .agency_descendants(u.agency_id)
                    .await
                    .expect("descendants"),
            };
            let grants = if u.agency_id == w.agencies[3].id {
                vec![grant.clone()]
            } else {
                vec![]
            };
            let viewer = Viewer {
                scope: ViewScope::for_actor(&actor),
                grants,
                now,
                precise_locations: false,
            };
            let filter = ReportFilter {
                limit: 1000,
                ..Default::default()
            };
            let mut got: Vec<ReportId> = s
                .list_reports(Some(&viewer), &filter)
                .await
                .expect("list")
                .iter()
                .map(|r| r.id)
                .collect();
            got.sort();
            let mut want: Vec<ReportId> = all
                .iter()
                .filter(|r| {
                    let naming: Vec<_> = refs
                        .iter()
                        .filter(|x| x.report_id == r.id)
                        .map(|x| x.as_referral())
                        .collect();
                    decide(&viewer, &r.access(), &r.type_key, false, &naming, now).is_some()
                })
                .map(|r| r.id)
                .collect();
            want.sort();
            assert_eq!(got, want, "{} as {role:?}", u.username);
            let counted: i64 = s
                .count_reports(Some(&viewer))
                .await
                .expect("count")
                .iter()
                .map(|c| c.count)
                .sum();
            assert_eq!(counted as usize, want.len());
        }
    }
}
