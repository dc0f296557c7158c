//! Conformance: agencies, users, second factor, sessions.

use super::*;

pub async fn agencies_and_users(s: &dyn Store) {
    let w = world(s).await;
    let got = s
        .agency_by_code("BNNP-JAMBI")
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(got, w.agencies[1]);
    assert_eq!(s.agencies().await.expect("list").len(), 4);
    let mut d = s
        .agency_descendants(w.agencies[0].id)
        .await
        .expect("descendants");
    d.sort();
    let mut want = vec![w.agencies[1].id, w.agencies[2].id];
    want.sort();
    assert_eq!(d, want);
    assert!(s
        .agency_descendants(w.agencies[3].id)
        .await
        .expect("none")
        .is_empty());
    let dup = AgencyRow {
        agency: Agency {
            id: AgencyId::new_at(t0(), rid(99)),
            ..w.agencies[0].clone()
        },
        created_at: t0(),
    };
    assert!(matches!(
        s.insert_agency(&dup, &audit(Action::AgencyCreate)).await,
        Err(StoreError::Duplicate("agency code"))
    ));
    let orphan = AgencyRow {
        agency: Agency {
            id: AgencyId::new_at(t0(), rid(98)),
            code: AgencyCode::parse("ORPHAN").expect("code"),
            parent_id: Some(AgencyId::new_at(t0(), rid(97))),
            ..w.agencies[0].clone()
        },
        created_at: t0(),
    };
    assert!(matches!(
        s.insert_agency(&orphan, &audit(Action::AgencyCreate)).await,
        Err(StoreError::MissingReference(_))
    ));
    let (u, hash) = s
        .user_credentials("user1")
        .await
        .expect("creds")
        .expect("exists");
    assert_eq!(u, w.users[1]);
    assert_eq!(hash, "x");
    let dup = NewUserRow {
        user: User {
            id: UserId::new_at(t0(), rid(5)),
            ..w.users[0].clone()
        },
        password_hash: "y".into(),
        created_at: t0(),
    };
    assert!(matches!(
        s.insert_user(&dup, &audit(Action::UserCreate)).await,
        Err(StoreError::Duplicate("username"))
    ));
    assert!(s
        .set_user_active(w.users[0].id, false, &audit(Action::UserDeactivate))
        .await
        .expect("deactivate"));
    assert!(
        !s.user(w.users[0].id)
            .await
            .expect("get")
            .expect("exists")
            .active
    );
    assert_eq!(
        s.users(Some(w.agencies[3].id)).await.expect("users").len(),
        1
    );
}

pub async fn sessions(s: &dyn Store) {
    let w = world(s).await;
    let row = SessionRow {
        token_hash: "abc".into(),
        user_id: w.users[0].id,
        kind: "api".into(),
        csrf: "c".into(),
        created_at: t0(),
        expires_at: t0() + Duration::hours(1),
        revoked_at: None,
    };
    s.insert_session(&row).await.expect("insert");
    assert_eq!(s.session("abc").await.expect("get"), Some(row.clone()));
    s.revoke_session("abc", t0()).await.expect("revoke");
    assert_eq!(
        s.session("abc")
            .await
            .expect("get")
            .and_then(|r| r.revoked_at),
        Some(t0())
    );
    s.insert_session(&SessionRow {
        token_hash: "def".into(),
        ..row
    })
    .await
    .expect("insert");
    s.revoke_user_sessions(w.users[0].id, t0())
        .await
        .expect("revoke all");
    assert!(s
        .session("def")
        .await
        .expect("get")
        .and_then(|r| r.revoked_at)
        .is_some());
}

pub async fn second_factor_is_enrolled_once_and_codes_used_once(s: &dyn Store) {
    let w = world(s).await;
    let u = w.users[0].id;
    assert_eq!(s.totp(u).await.expect("totp"), None);
    let pending = TotpRow {
        secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
        enabled_at: None,
        last_step: 0,
    };
    assert!(s.put_totp(u, Some(&pending), None).await.expect("put"));
    assert_eq!(s.totp(u).await.expect("totp"), Some(pending.clone()));
    let user = s.user(u).await.expect("user").expect("exists");
    assert!(
        !user.totp_enabled,
        "pending enrolment does not require a code yet"
    );
    let enabled = TotpRow {
        enabled_at: Some(t0()),
        last_step: 100,
        ..pending
    };
    assert!(s
        .put_totp(u, Some(&enabled), Some(&audit(Action::TotpEnable)))
        .await
        .expect("enable"));
    let user = s.user(u).await.expect("user").expect("exists");
    assert!(user.totp_enabled);
    let (cred, _) = s
        .user_credentials(user.username.as_str())
        .await
        .expect("cred")
        .expect("exists");
    assert!(cred.totp_enabled);
    assert!(
        !s.use_totp_step(u, 100).await.expect("step"),
        "used at enrolment"
    );
    assert!(s.use_totp_step(u, 101).await.expect("step"));
    assert!(
        !s.use_totp_step(u, 101).await.expect("step"),
        "a code works once"
    );
    assert!(
        !s.use_totp_step(u, 99).await.expect("step"),
        "older steps stay used"
    );
    assert!(s
        .put_totp(u, None, Some(&audit(Action::TotpDisable)))
        .await
        .expect("clear"));
    assert_eq!(s.totp(u).await.expect("totp"), None);
    assert!(!s.user(u).await.expect("user").expect("exists").totp_enabled);
}

pub async fn users_are_edited_and_passwords_replaced(s: &dyn Store) {
    let w = world(s).await;
    let u = &w.users[0];
    assert!(s
        .update_user(
            u.id,
            "Nama Baru",
            Role::Coordinator,
            &audit(Action::UserUpdate)
        )
        .await
        .expect("update"));
    let got = s.user(u.id).await.expect("get").expect("exists");
    assert_eq!(
        (got.display_name.as_str(), got.role),
        ("Nama Baru", Role::Coordinator)
    );
    assert!(!got.must_change_password);
    assert!(s
        .set_password(u.id, "hash-2", true, &audit(Action::PasswordReset))
        .await
        .expect("reset"));
    let (got, hash) = s
        .user_credentials(u.username.as_str())
        .await
        .expect("credentials")
        .expect("exists");
    assert_eq!(hash, "hash-2");
    assert!(got.must_change_password);
    // The Digest HA1 is kept only for the password it was made from, and goes with it.
    assert_eq!(s.digest_ha1(u.id).await.expect("read"), None);
    s.set_digest_ha1(u.id, "sealed-1", "hash-1")
        .await
        .expect("stale hash");
    assert_eq!(
        s.digest_ha1(u.id).await.expect("read"),
        None,
        "made from an old password"
    );
    s.set_digest_ha1(u.id, "sealed-2", "hash-2")
        .await
        .expect("keep");
    assert_eq!(
        s.digest_ha1(u.id).await.expect("read").as_deref(),
        Some("sealed-2")
    );
    assert!(s
        .set_password(u.id, "hash-3", false, &audit(Action::PasswordChange))
        .await
        .expect("change"));
    assert_eq!(
        s.digest_ha1(u.id).await.expect("read"),
        None,
        "cleared with the password"
    );
    assert!(
        !s.user(u.id)
            .await
            .expect("get")
            .expect("exists")
            .must_change_password
    );
    let missing = UserId::new_at(t0(), rid(4242));
    assert!(!s
        .update_user(missing, "x", Role::Analyst, &audit(Action::UserUpdate))
        .await
        .expect("no such user"));
    let actions: Vec<String> = s
        .audit_entries(&AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in ["user_update", "password_reset", "password_change"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
}

/// Sign-in state every server on one database shares: a bucket gives `burst` attempts and
/// then says when the next is there, refills with time and takes refunds up to the burst;
/// failures lock a key out within the window only; a pending sign-in is found by its token
/// hash until it expires or is removed.
pub async fn sign_in_state_is_shared(s: &dyn Store) {
    let w = world(s).await;
    let now = t0();
    for _ in 0..3 {
        assert_eq!(
            s.take_sign_in_attempt("address|10.0.0.1", 3.0, 0.5, now)
                .await
                .expect("take"),
            Ok(())
        );
    }
    assert_eq!(
        s.take_sign_in_attempt("address|10.0.0.1", 3.0, 0.5, now)
            .await
            .expect("take"),
        Err(2),
        "empty: one attempt comes back in two seconds"
    );
    assert_eq!(
        s.take_sign_in_attempt("address|10.0.0.2", 3.0, 0.5, now)
            .await
            .expect("take"),
        Ok(())
    );
    let later = now + Duration::seconds(2);
    assert_eq!(
        s.take_sign_in_attempt("address|10.0.0.1", 3.0, 0.5, later)
            .await
            .expect("take"),
        Ok(())
    );
    assert!(s
        .take_sign_in_attempt("address|10.0.0.1", 3.0, 0.5, later)
        .await
        .expect("take")
        .is_err());
    s.refund_sign_in_attempt("address|10.0.0.1", 3.0)
        .await
        .expect("refund");
    assert_eq!(
        s.take_sign_in_attempt("address|10.0.0.1", 3.0, 0.5, later)
            .await
            .expect("take"),
        Ok(())
    );
    for _ in 0..10 {
        s.refund_sign_in_attempt("address|10.0.0.2", 3.0)
            .await
            .expect("refund");
    }
    for _ in 0..3 {
        assert_eq!(
            s.take_sign_in_attempt("address|10.0.0.2", 3.0, 0.5, now)
                .await
                .expect("take"),
            Ok(())
        );
    }
    assert!(
        s.take_sign_in_attempt("address|10.0.0.2", 3.0, 0.5, now)
            .await
            .expect("take")
            .is_err(),
        "refunds stop at the burst"
    );

    let window = Duration::minutes(15);
    for _ in 0..5 {
        assert_eq!(
            s.sign_in_lockout("ana|10.0.0.1", 5, window, now)
                .await
                .expect("lockout"),
            None
        );
        s.record_sign_in_failure("ana|10.0.0.1", window, now)
            .await
            .expect("fail");
    }
    assert_eq!(
        s.sign_in_lockout("ana|10.0.0.1", 5, window, now + Duration::minutes(5))
            .await
            .expect("lockout"),
        Some(600)
    );
    assert_eq!(
        s.sign_in_lockout("ana|10.0.0.2", 5, window, now)
            .await
            .expect("lockout"),
        None
    );
    assert_eq!(
        s.sign_in_lockout("ana|10.0.0.1", 5, window, now + window)
            .await
            .expect("lockout"),
        None
    );
    // A failure after the window starts the count again.
    s.record_sign_in_failure("ana|10.0.0.1", window, now + window)
        .await
        .expect("fail");
    assert_eq!(
        s.sign_in_lockout("ana|10.0.0.1", 1, window, now + window)
            .await
            .expect("lockout"),
        Some(900)
    );
    assert_eq!(
        s.sign_in_lockout("ana|10.0.0.1", 2, window, now + window)
            .await
            .expect("lockout"),
        None
    );
    s.clear_sign_in_failures("ana|10.0.0.1")
        .await
        .expect("clear");
    assert_eq!(
        s.sign_in_lockout("ana|10.0.0.1", 1, window, now + window)
            .await
            .expect("lockout"),
        None
    );

    let pending = PendingSignInRow {
        token_hash: "c0ffee".into(),
        user_id: w.users[0].id,
        kind: "api".into(),
        lifetime_hours: Some(2),
        expires_at: now + Duration::minutes(5),
    };
    s.insert_pending_sign_in(&pending, now)
        .await
        .expect("pending");
    assert_eq!(
        s.pending_sign_in("c0ffee", now).await.expect("read"),
        Some(pending.clone())
    );
    assert_eq!(s.pending_sign_in("beef", now).await.expect("read"), None);
    assert_eq!(
        s.pending_sign_in("c0ffee", now + Duration::minutes(5))
            .await
            .expect("read"),
        None,
        "expired"
    );
    s.remove_pending_sign_in("c0ffee").await.expect("remove");
    assert_eq!(s.pending_sign_in("c0ffee", now).await.expect("read"), None);
}
