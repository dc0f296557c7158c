//! Conformance: forms and their versions (ADR 33).

use sinergi_core::form::{Form, FormDevice, FormDeviceId, FormId, FormVersion};
use sinergi_store::PublishOutcome;

use super::*;

fn version(form: FormId, number: i32, version: &str, sha: &str, by: &User) -> FormVersion {
    FormVersion {
        form_id: form,
        number,
        version: version.into(),
        title: format!("Kuesioner KOTAN v{version}"),
        languages: vec!["Bahasa Indonesia (id)".into(), "English (en)".into()],
        xml: format!("<h:html version=\"{version}\"/>"),
        file_name: "kotan.xlsx".into(),
        workbook_sha256: sha.into(),
        published_by: by.id,
        published_at: t0() + Duration::minutes(i64::from(number)),
    }
}

pub async fn forms_keep_every_published_version_once(s: &dyn Store) {
    let w = world(s).await;
    let (bnnp, polda) = (&w.agencies[1], &w.agencies[3]);
    let by = &w.users[2];
    let form = Form {
        id: FormId::new_at(t0(), rid(900)),
        owner_agency_id: bnnp.id,
        xml_id: "kotan_jambi".into(),
        title: String::new(),
        current_version: 1,
        created_by: by.id,
        created_at: t0(),
        updated_at: t0(),
    };
    let publish = |f: Form, v: FormVersion| async move {
        s.publish_form_version(&f, &v, &[], &audit(Action::FormPublish))
            .await
            .expect("publish")
    };
    assert_eq!(
        publish(form.clone(), version(form.id, 1, "2021", "aa", by)).await,
        PublishOutcome::Published
    );
    // Another form may not take the same XForm id.
    let other = Form {
        id: FormId::new_at(t0(), rid(901)),
        owner_agency_id: polda.id,
        ..form.clone()
    };
    assert_eq!(
        publish(other.clone(), version(other.id, 1, "1", "bb", by)).await,
        PublishOutcome::IdTaken
    );
    assert_eq!(
        s.form(other.id).await.expect("read"),
        None,
        "nothing written"
    );
    // A second version; then the same workbook, the same version string and a stale
    // number are each refused with nothing written.
    assert_eq!(
        publish(form.clone(), version(form.id, 2, "2022", "cc", by)).await,
        PublishOutcome::Published
    );
    assert_eq!(
        publish(form.clone(), version(form.id, 3, "2023", "aa", by)).await,
        PublishOutcome::WorkbookExists(1)
    );
    assert_eq!(
        publish(form.clone(), version(form.id, 3, "2022", "dd", by)).await,
        PublishOutcome::VersionExists(2)
    );
    assert_eq!(
        publish(form.clone(), version(form.id, 2, "2024", "ee", by)).await,
        PublishOutcome::Stale
    );
    let got = s.form(form.id).await.expect("read").expect("form");
    assert_eq!(got.current_version, 2);
    assert_eq!(got.title, "Kuesioner KOTAN v2022");
    assert_eq!(got.updated_at, t0() + Duration::minutes(2));
    assert_eq!(
        s.form_by_xml_id("kotan_jambi")
            .await
            .expect("read")
            .map(|f| f.id),
        Some(form.id)
    );
    let versions = s.form_versions(form.id).await.expect("versions");
    let numbers: Vec<i32> = versions.iter().map(|v| v.number).collect();
    assert_eq!(numbers, [2, 1], "the newest first");
    assert_eq!(
        versions[1],
        version(form.id, 1, "2021", "aa", by),
        "kept whole"
    );
    assert_eq!(
        s.form_version(form.id, 1).await.expect("read"),
        Some(version(form.id, 1, "2021", "aa", by))
    );
    assert_eq!(s.form_version(form.id, 3).await.expect("read"), None);
    assert_eq!(s.forms(&[bnnp.id]).await.expect("list").len(), 1);
    assert!(s.forms(&[polda.id]).await.expect("list").is_empty());
    assert!(s.forms(&[]).await.expect("list").is_empty());

    // A user's devices: found by the secret's hash, revoked once, by their user only.
    let device = FormDevice {
        id: FormDeviceId::new_at(t0(), rid(950)),
        user_id: by.id,
        name: "HP lapangan".into(),
        token_hash: "ab".repeat(32),
        created_at: t0(),
        revoked_at: None,
    };
    s.insert_form_device(&device, &audit(Action::FormDeviceLink))
        .await
        .expect("device");
    assert_eq!(
        s.form_devices(by.id).await.expect("list"),
        vec![device.clone()]
    );
    assert_eq!(
        s.form_device_by_token(&"ab".repeat(32))
            .await
            .expect("read"),
        Some(device.clone())
    );
    assert_eq!(s.form_device_by_token("cd").await.expect("read"), None);
    let other = &w.users[0];
    assert!(!s
        .revoke_form_device(device.id, other.id, t0(), &audit(Action::FormDeviceRevoke))
        .await
        .expect("revoke"));
    assert!(s
        .revoke_form_device(device.id, by.id, t0(), &audit(Action::FormDeviceRevoke))
        .await
        .expect("revoke"));
    assert!(!s
        .revoke_form_device(device.id, by.id, t0(), &audit(Action::FormDeviceRevoke))
        .await
        .expect("revoke twice"));
    let got = s
        .form_device_by_token(&"ab".repeat(32))
        .await
        .expect("read")
        .expect("device");
    assert_eq!(got.revoked_at, Some(t0()));
}

pub async fn form_media_is_kept_per_version_and_replaced_by_name(s: &dyn Store) {
    use sinergi_core::form::media::FormMedia;
    let w = world(s).await;
    let by = &w.users[2];
    let form = Form {
        id: FormId::new_at(t0(), rid(960)),
        owner_agency_id: w.agencies[1].id,
        xml_id: "tanda_satwa".into(),
        title: String::new(),
        current_version: 1,
        created_by: by.id,
        created_at: t0(),
        updated_at: t0(),
    };
    let file = |number: i32, name: &str, sha: &str| FormMedia {
        form_id: form.id,
        number,
        name: name.into(),
        sha256: sha.repeat(32),
        md5: sha.repeat(16),
        content_type: "image/png".into(),
        size: 1234,
        uploaded_by: by.id,
        uploaded_at: t0(),
    };
    s.publish_form_version(
        &form,
        &version(form.id, 1, "1", "a1", by),
        &[],
        &audit(Action::FormPublish),
    )
    .await
    .expect("publish");
    assert!(s.form_media(form.id, 1).await.expect("read").is_empty());
    s.put_form_media(&file(1, "jejak.jpg", "aa"), &audit(Action::FormMediaUpload))
        .await
        .expect("upload");
    s.put_form_media(
        &file(1, "a spasi.png", "bb"),
        &audit(Action::FormMediaUpload),
    )
    .await
    .expect("upload");
    // Uploading a name again replaces its file: one row per name.
    s.put_form_media(&file(1, "jejak.jpg", "cc"), &audit(Action::FormMediaUpload))
        .await
        .expect("replace");
    assert_eq!(
        s.form_media(form.id, 1).await.expect("read"),
        vec![file(1, "a spasi.png", "bb"), file(1, "jejak.jpg", "cc")],
        "by name, the newest file of each"
    );
    // The next version carries what it is given, in the same transaction; the first
    // keeps its own.
    s.publish_form_version(
        &form,
        &version(form.id, 2, "2", "a2", by),
        &[file(2, "jejak.jpg", "cc")],
        &audit(Action::FormPublish),
    )
    .await
    .expect("publish");
    assert_eq!(
        s.form_media(form.id, 2).await.expect("read"),
        vec![file(2, "jejak.jpg", "cc")]
    );
    assert_eq!(s.form_media(form.id, 1).await.expect("read").len(), 2);
    // A version refused publishes none of its files.
    let refused = s
        .publish_form_version(
            &form,
            &version(form.id, 3, "2", "a3", by),
            &[file(3, "jejak.jpg", "cc")],
            &audit(Action::FormPublish),
        )
        .await
        .expect("publish");
    assert_eq!(refused, PublishOutcome::VersionExists(2));
    assert!(s.form_media(form.id, 3).await.expect("read").is_empty());
}
