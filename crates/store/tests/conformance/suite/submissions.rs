//! Conformance: submissions of forms (ADR 34).

use serde_json::json;
use sinergi_core::form::{Form, FormId, FormVersion};
use sinergi_core::submission::{
    ReviewState, Source, Submission, SubmissionFile, SubmissionId, SubmissionInstance,
    SubmissionReview,
};
use sinergi_store::{SubmissionOutcome, SubmissionQuery};

use super::*;

fn submission(form: FormId, n: u8, agency: &Agency, by: &User) -> Submission {
    let at = t0() + Duration::minutes(i64::from(n));
    Submission {
        id: SubmissionId::new_at(at, rid(1000 + u64::from(n))),
        form_id: form,
        version_number: 1,
        root_instance_id: format!("uuid:{n}"),
        instance_id: format!("uuid:{n}"),
        agency_id: agency.id,
        submitted_by: by.id,
        source: Source::Collect,
        review_state: ReviewState::Received,
        data: json!({"desa": format!("Desa {n}"), "foto": [{"f": "a.jpg"}]}),
        lon: Some(103.6),
        lat: Some(-1.6),
        edits: 0,
        received_at: at,
        answered_at: at,
        updated_at: at,
    }
}

fn instance(s: &Submission, deprecated: Option<&str>) -> SubmissionInstance {
    SubmissionInstance {
        submission_id: s.id,
        instance_id: s.instance_id.clone(),
        deprecated_id: deprecated.map(str::to_string),
        xml: format!("<data id=\"p\"><desa>{}</desa></data>", s.instance_id),
        submitted_by: s.submitted_by,
        received_at: s.updated_at,
    }
}

pub async fn submissions_are_kept_once_edited_in_order_and_reviewed(s: &dyn Store) {
    let w = world(s).await;
    let (bnnp, bnnk, polda) = (&w.agencies[1], &w.agencies[2], &w.agencies[3]);
    let by = &w.users[2];
    let form = Form {
        id: FormId::new_at(t0(), rid(950)),
        owner_agency_id: bnnp.id,
        xml_id: "p".into(),
        title: "P".into(),
        current_version: 1,
        created_by: by.id,
        created_at: t0(),
        updated_at: t0(),
    };
    let v = FormVersion {
        form_id: form.id,
        number: 1,
        version: "1".into(),
        title: "P".into(),
        languages: vec![],
        xml: "<h:html/>".into(),
        file_name: "p.xlsx".into(),
        workbook_sha256: "ab".into(),
        published_by: by.id,
        published_at: t0(),
    };
    s.publish_form_version(&form, &v, &[], &audit(Action::FormPublish))
        .await
        .expect("publish");
    let a = submission(form.id, 1, bnnk, by);
    let files = vec!["a.jpg".to_string(), "b.jpg".to_string()];
    let put = |x: Submission, files: Vec<String>| async move {
        s.insert_submission(
            &x,
            &instance(&x, None),
            &files,
            &audit(Action::SubmissionReceive),
        )
        .await
        .expect("insert")
    };
    assert_eq!(
        put(a.clone(), files.clone()).await,
        SubmissionOutcome::Stored
    );
    // The same instanceID again (another id, as a second server process would make):
    // nothing more.
    let again = Submission {
        id: SubmissionId::new_at(t0(), rid(1999)),
        ..a.clone()
    };
    assert_eq!(
        put(again.clone(), files.clone()).await,
        SubmissionOutcome::InstanceExists
    );
    assert_eq!(
        s.submission(again.id).await.expect("read"),
        None,
        "nothing written"
    );
    assert_eq!(s.submission(a.id).await.expect("read"), Some(a.clone()));
    put(submission(form.id, 2, polda, by), vec![]).await;
    put(submission(form.id, 3, bnnk, by), vec![]).await;

    // What a campaign reads: who, when, and the period question's text from the JSON.
    let mut answers = s
        .campaign_answers(form.id, "desa", Some("tidak_ada"))
        .await
        .expect("answers");
    answers.sort_by_key(|a| a.answered_at);
    let periods: Vec<Option<&str>> = answers.iter().map(|a| a.period.as_deref()).collect();
    assert_eq!(periods, [Some("Desa 1"), Some("Desa 2"), Some("Desa 3")]);
    assert!(answers.iter().all(|a| a.region.is_none()));
    assert_eq!(answers[1].agency_id, polda.id);
    assert_eq!(answers[0].id, a.id);

    // Files: named, then received once each.
    let listed = s.submission_files(a.id, "uuid:1").await.expect("files");
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|f| f.sha256.is_none()));
    let got = SubmissionFile {
        sha256: Some("cafe".into()),
        content_type: Some("image/jpeg".into()),
        size: Some(200),
        ..listed[0].clone()
    };
    let file_audit = audit(Action::SubmissionFile);
    assert!(s
        .receive_submission_file(&got, &file_audit)
        .await
        .expect("file"));
    assert!(
        !s.receive_submission_file(&got, &file_audit)
            .await
            .expect("file"),
        "once"
    );
    let unnamed = SubmissionFile {
        name: "z.jpg".into(),
        ..got.clone()
    };
    assert!(!s
        .receive_submission_file(&unnamed, &file_audit)
        .await
        .expect("file"));
    assert_eq!(
        s.submission_files(a.id, "uuid:1").await.expect("files")[0],
        got
    );
    // A page's received files in one query: one of the two named, none for the others.
    let second = s
        .submissions(&SubmissionQuery {
            form_id: form.id,
            agencies: None,
            version_number: None,
            review_state: None,
            source: None,
            received_from: None,
            received_before: None,
            oldest_first: true,
            after: None,
            limit: 10,
            offset: 0,
            skip_total: true,
        })
        .await
        .expect("list")
        .0;
    let ids: Vec<_> = second.iter().map(|x| x.id).collect();
    let counts = s.received_file_counts(&ids).await.expect("counts");
    assert_eq!(counts.get(&a.id), Some(&1));
    assert_eq!(counts.len(), 1, "{counts:?}");
    assert!(s.received_file_counts(&[]).await.expect("none").is_empty());

    // Lists: by agency, state, order, keyset and page; counted in all.
    let q = |agencies: Option<Vec<AgencyId>>| SubmissionQuery {
        form_id: form.id,
        agencies,
        version_number: None,
        review_state: None,
        source: None,
        received_from: None,
        received_before: None,
        oldest_first: false,
        after: None,
        limit: 10,
        offset: 0,
        skip_total: false,
    };
    let (list, total) = s.submissions(&q(None)).await.expect("list");
    assert_eq!(total, 3);
    let order: Vec<&str> = list.iter().map(|x| x.root_instance_id.as_str()).collect();
    assert_eq!(order, ["uuid:3", "uuid:2", "uuid:1"]);
    let (list, total) = s.submissions(&q(Some(vec![bnnk.id]))).await.expect("list");
    assert_eq!((list.len(), total), (2, 2));
    assert_eq!(s.submissions(&q(Some(vec![]))).await.expect("list").1, 0);
    let (page, total) = s
        .submissions(&SubmissionQuery {
            oldest_first: true,
            limit: 1,
            ..q(None)
        })
        .await
        .expect("list");
    assert_eq!((page[0].root_instance_id.as_str(), total), ("uuid:1", 3));
    let (page, _) = s
        .submissions(&SubmissionQuery {
            oldest_first: true,
            after: Some((page[0].received_at, page[0].id)),
            ..q(None)
        })
        .await
        .expect("list");
    assert_eq!(page.len(), 2);
    assert_eq!(page[0].root_instance_id, "uuid:2");
    let (page, _) = s
        .submissions(&SubmissionQuery {
            received_from: Some(t0() + Duration::minutes(2)),
            received_before: Some(t0() + Duration::minutes(3)),
            ..q(None)
        })
        .await
        .expect("list");
    assert_eq!(page.len(), 1);

    // An edit moves on only from the newest instance.
    let edited = Submission {
        instance_id: "uuid:1b".into(),
        data: json!({"desa": "Desa 1 (ubah)"}),
        edits: 1,
        updated_at: t0() + Duration::minutes(30),
        ..a.clone()
    };
    let edit_audit = audit(Action::SubmissionEdit);
    assert_eq!(
        s.edit_submission(
            &edited,
            &instance(&edited, Some("uuid:1")),
            &[],
            &edit_audit
        )
        .await
        .expect("edit"),
        SubmissionOutcome::Stored
    );
    let stale = Submission {
        instance_id: "uuid:1c".into(),
        ..edited.clone()
    };
    assert_eq!(
        s.edit_submission(&stale, &instance(&stale, Some("uuid:1")), &[], &edit_audit)
            .await
            .expect("edit"),
        SubmissionOutcome::Stale
    );
    assert_eq!(
        s.submission_instance(form.id, "uuid:1c")
            .await
            .expect("read"),
        None,
        "a stale edit leaves nothing"
    );
    let now = s.submission(a.id).await.expect("read").expect("there");
    assert_eq!((now.instance_id.as_str(), now.edits), ("uuid:1b", 1));
    assert_eq!(now.data["desa"], "Desa 1 (ubah)");
    assert_eq!(now.root_instance_id, "uuid:1");
    let history: Vec<String> = s
        .submission_instances(a.id)
        .await
        .expect("history")
        .into_iter()
        .map(|i| i.instance_id)
        .collect();
    assert_eq!(history, ["uuid:1", "uuid:1b"]);
    let found = s
        .submission_instance(form.id, "uuid:1")
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(found.submission_id, a.id);

    // Reviews set the state and are kept in order.
    for (state, comment, minutes) in [
        (ReviewState::HasIssues, "Foto buram", 40),
        (ReviewState::Approved, "", 50),
    ] {
        let r = SubmissionReview {
            submission_id: a.id,
            state,
            comment: comment.into(),
            reviewed_by: by.id,
            reviewed_at: t0() + Duration::minutes(minutes),
        };
        assert!(s
            .review_submission(&r, &audit(Action::SubmissionReview))
            .await
            .expect("review"));
    }
    let missing = SubmissionReview {
        submission_id: SubmissionId::new_at(t0(), rid(1998)),
        state: ReviewState::Rejected,
        comment: "x".into(),
        reviewed_by: by.id,
        reviewed_at: t0(),
    };
    assert!(!s
        .review_submission(&missing, &audit(Action::SubmissionReview))
        .await
        .expect("review"));
    let reviews = s.submission_reviews(a.id).await.expect("reviews");
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[0].comment, "Foto buram");
    assert_eq!(
        s.submission(a.id)
            .await
            .expect("read")
            .expect("there")
            .review_state,
        ReviewState::Approved
    );
    let (list, _) = s
        .submissions(&SubmissionQuery {
            review_state: Some(ReviewState::Approved),
            ..q(None)
        })
        .await
        .expect("list");
    assert_eq!(list.len(), 1);
}
