//! Conformance: monitoring campaigns (ADR 35).

use chrono::NaiveDate;
use sinergi_core::campaign::{Campaign, CampaignId, Periodicity, Unit};
use sinergi_core::form::{Form, FormId, FormVersion};

use super::*;

pub async fn campaigns_keep_their_units_and_never_overlap_on_a_form(s: &dyn Store) {
    let w = world(s).await;
    let (bnnp, bnnk, polda) = (&w.agencies[1], &w.agencies[2], &w.agencies[3]);
    let by = &w.users[2];
    let form = Form {
        id: FormId::new_at(t0(), rid(960)),
        owner_agency_id: bnnp.id,
        xml_id: "kotan".into(),
        title: "KOTAN".into(),
        current_version: 1,
        created_by: by.id,
        created_at: t0(),
        updated_at: t0(),
    };
    let v = FormVersion {
        form_id: form.id,
        number: 1,
        version: "1".into(),
        title: "KOTAN".into(),
        languages: vec![],
        xml: "<h:html/>".into(),
        file_name: "k.xlsx".into(),
        workbook_sha256: "cd".into(),
        published_by: by.id,
        published_at: t0(),
    };
    s.publish_form_version(&form, &v, &[], &audit(Action::FormPublish))
        .await
        .expect("publish");
    let day = |y, m| NaiveDate::from_ymd_opt(y, m, 1).expect("date");
    let c = Campaign {
        id: CampaignId::new_at(t0(), rid(961)),
        owner_agency_id: bnnp.id,
        form_id: form.id,
        title: "KOTAN Jambi".into(),
        periodicity: Periodicity::Yearly,
        first_period: day(2021, 1),
        last_period: day(2023, 1),
        due_days: 31,
        grace_days: 60,
        remind_days: 5,
        escalate_days: 21,
        period_field: "periode".into(),
        region_field: Some("kabupaten".into()),
        units: vec![
            Unit {
                region_code: "15.71".into(),
                agency_id: bnnp.id,
            },
            Unit {
                region_code: "15.04".into(),
                agency_id: bnnk.id,
            },
        ],
        created_by: by.id,
        created_at: t0(),
    };
    assert!(s
        .insert_campaign(&c, &audit(Action::CampaignCreate))
        .await
        .expect("insert"));
    assert_eq!(
        s.campaign(c.id).await.expect("read"),
        Some(c.clone()),
        "units in their order"
    );
    // Quarters of 2023 overlap the campaign's 2023; 2024 on does not.
    let overlapping = Campaign {
        id: CampaignId::new_at(t0(), rid(962)),
        periodicity: Periodicity::Quarterly,
        first_period: day(2023, 10),
        last_period: day(2024, 4),
        ..c.clone()
    };
    assert!(!s
        .insert_campaign(&overlapping, &audit(Action::CampaignCreate))
        .await
        .expect("insert"));
    assert_eq!(
        s.campaign(overlapping.id).await.expect("read"),
        None,
        "nothing written"
    );
    let after = Campaign {
        first_period: day(2024, 1),
        last_period: day(2024, 10),
        ..overlapping.clone()
    };
    assert!(s
        .insert_campaign(&after, &audit(Action::CampaignCreate))
        .await
        .expect("insert"));
    // Listed for the owner and for a unit's agency, not for another.
    let ids = |list: Vec<Campaign>| list.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s.campaigns(&[bnnp.id], &[]).await.expect("list")),
        [after.id, c.id],
        "newest first"
    );
    assert_eq!(
        ids(s.campaigns(&[], &[bnnk.id]).await.expect("list")).len(),
        2
    );
    assert!(s
        .campaigns(&[polda.id], &[polda.id])
        .await
        .expect("list")
        .is_empty());
    assert!(s.campaigns(&[], &[]).await.expect("list").is_empty());
}
