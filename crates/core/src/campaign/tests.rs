use super::*;
use uuid::Uuid;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("time")
        .with_timezone(&Utc)
}

fn unit(region: &str, n: u128) -> Unit {
    Unit {
        region_code: region.into(),
        agency_id: AgencyId(Uuid::from_u128(n)),
    }
}

fn kotan() -> Campaign {
    Campaign {
        id: CampaignId(Uuid::from_u128(1)),
        owner_agency_id: AgencyId(Uuid::from_u128(9)),
        form_id: FormId(Uuid::from_u128(2)),
        title: "KOTAN Jambi".into(),
        periodicity: Periodicity::Yearly,
        first_period: NaiveDate::from_ymd_opt(2021, 1, 1).expect("date"),
        last_period: NaiveDate::from_ymd_opt(2023, 1, 1).expect("date"),
        due_days: 31,
        grace_days: 60,
        remind_days: 7,
        escalate_days: 14,
        period_field: "periode".into(),
        region_field: None,
        units: vec![unit("15.01", 1), unit("15.02", 2), unit("15.03", 3)],
        created_by: UserId(Uuid::from_u128(5)),
        created_at: at("2021-01-01T00:00:00Z"),
    }
}

#[test]
fn labels_are_read_and_written_for_each_periodicity() {
    for (p, label, start, end) in [
        (Periodicity::Yearly, "2021", "2021-01-01", "2022-01-01"),
        (
            Periodicity::Quarterly,
            "2021-Q3",
            "2021-07-01",
            "2021-10-01",
        ),
        (
            Periodicity::Quarterly,
            "2021-Q4",
            "2021-10-01",
            "2022-01-01",
        ),
        (Periodicity::Monthly, "2021-02", "2021-02-01", "2021-03-01"),
    ] {
        let x = Period::parse(p, label).expect(label);
        assert_eq!(x.start.to_string(), start);
        assert_eq!(x.end().to_string(), end);
        assert_eq!(x.label(), label);
    }
    for (p, bad) in [
        (Periodicity::Yearly, "21"),
        (Periodicity::Quarterly, "2021-Q5"),
        (Periodicity::Quarterly, "2021"),
        (Periodicity::Monthly, "2021-13"),
        (Periodicity::Monthly, "2021-7"),
    ] {
        assert!(Period::parse(p, bad).is_err(), "{bad}");
    }
    let q = Period::range(
        Period::parse(Periodicity::Quarterly, "2021-Q3").expect("q"),
        Period::parse(Periodicity::Quarterly, "2022-Q2").expect("q"),
    );
    let labels: Vec<String> = q.iter().map(Period::label).collect();
    assert_eq!(labels, ["2021-Q3", "2021-Q4", "2022-Q1", "2022-Q2"]);
}

#[test]
fn a_due_date_ends_at_midnight_in_the_unit_s_zone() {
    let c = kotan();
    let p2021 = Period::parse(Periodicity::Yearly, "2021").expect("p");
    assert_eq!(c.due_date(&p2021).to_string(), "2022-01-31");
    let now = at("2024-06-01T00:00:00Z");
    let jambi = unit("15.01", 1);
    // 23:30 WIB on the due date is on time; 00:10 WIB the next day is late.
    assert_eq!(
        c.cell(&jambi, &p2021, Some(at("2022-01-31T16:30:00Z")), now),
        CellState::OnTime
    );
    assert_eq!(
        c.cell(&jambi, &p2021, Some(at("2022-01-31T17:10:00Z")), now),
        CellState::Late
    );
    // The same instant in Makassar (WITA, UTC+8) is already the next day.
    let makassar = unit("73.71", 4);
    assert_eq!(
        c.cell(&makassar, &p2021, Some(at("2022-01-31T16:30:00Z")), now),
        CellState::Late
    );
    // Accepted until the grace days end, not before the period starts.
    assert!(c.accepts(&jambi, &p2021, at("2022-03-31T16:00:00Z")));
    assert!(!c.accepts(&jambi, &p2021, at("2022-04-01T17:00:00Z")));
    assert!(!c.accepts(&jambi, &p2021, at("2020-12-31T16:00:00Z")));
}

/// Hand-computed: three regencies, 2021–2023, due 31 January of the next year, read on
/// 15 January 2024 (2023 not yet due).
///
/// | unit  | 2021            | 2022            | 2023 |
/// |-------|-----------------|-----------------|------|
/// | 15.01 | 20 Jan: on time | 10 Jan: on time | open |
/// | 15.02 | 10 Feb: late    | 30 Jan: on time | open |
/// | 15.03 | —: missing      | 3 Mar: late     | open |
///
/// expected 6, received 5, on time 3: reporting 83.3 %, on time 50.0 %.
#[test]
fn rates_match_the_hand_computed_table() {
    let c = kotan();
    let now = at("2024-01-15T03:00:00Z");
    let answers = [
        [
            Some("2022-01-20T02:00:00Z"),
            Some("2023-01-10T02:00:00Z"),
            None,
        ],
        [
            Some("2022-02-10T02:00:00Z"),
            Some("2023-01-30T02:00:00Z"),
            None,
        ],
        [None, Some("2023-03-03T02:00:00Z"), None],
    ];
    let mut all = Rates::default();
    let mut by_period = [Rates::default(); 3];
    let mut cells = Vec::new();
    for (u, row) in c.units.iter().zip(answers) {
        for (i, (p, a)) in c.periods().iter().zip(row).enumerate() {
            let cell = c.cell(u, p, a.map(at), now);
            if c.is_due(u, p, now) {
                all.add(cell);
                by_period[i].add(cell);
            } else {
                by_period[i].add_progress(cell);
            }
            cells.push(cell.as_str());
        }
    }
    assert_eq!(
        cells,
        ["on_time", "on_time", "open", "late", "on_time", "open", "missing", "late", "open"]
    );
    assert_eq!((all.expected, all.received, all.on_time), (6, 5, 3));
    assert_eq!(all.reporting_rate(), Some(83.3));
    assert_eq!(all.on_time_rate(), Some(50.0));
    assert_eq!(by_period[0].reporting_rate(), Some(66.7));
    assert_eq!(by_period[0].on_time_rate(), Some(33.3));
    assert_eq!(by_period[1].reporting_rate(), Some(100.0));
    // 2023 is not due: its progress, nothing answered of three.
    assert_eq!(by_period[2].reporting_rate(), Some(0.0));
    assert!(!c.is_due(&c.units[0], &c.periods()[2], now));
}

#[test]
fn spans_and_days_are_checked_naming_the_field() {
    let e = check_span(Periodicity::Yearly, "2023", "2021", 30, 30).expect_err("order");
    assert_eq!(e.errors[0].field, "last_period");
    let e = check_span(Periodicity::Monthly, "2021-01", "2045-01", 30, 30).expect_err("long");
    assert_eq!(e.errors[0].field, "last_period");
    let e = check_span(Periodicity::Quarterly, "2021", "2021-Q2", -1, 400).expect_err("bad");
    let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["first_period", "due_days", "grace_days"]);
    assert!(check_span(Periodicity::Yearly, "2021", "2023", 31, 60).is_ok());
}
