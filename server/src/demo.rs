//! `potluck serve --demo`: fills an empty data folder with a realistic month of a group's
//! work, so a newcomer sees a live board, a month to replay and books to audit at once.
//!
//! Nothing is written behind the domain's back: every fact comes from a real command sent
//! through the same pipeline as the app's (decide, then a durable append), by the member who
//! would do it, with the log's clock set to the simulated moment. The month is four weekly
//! distribution days; the last one is today and still under way, so the board has requests
//! in every stage. The generator is seeded: the same seed gives the same month.

use std::sync::atomic::{AtomicI64, Ordering};

use shared::access::Role;
use shared::clock::Clock;
use shared::distribution::{
    Command, ContactChannel, DeliveryKind, FailureReason, FeedbackFrom, ItemCategory, LateAfter,
    LocationKind, NeedCategory, PartnerKind, RequestLine, StockSource, Urgency,
};
use shared::group;

use crate::admin;
use crate::commands::Submitted;
use crate::group::Group;
use crate::sealed::{PersonalData, household_key};

const HOUR_MS: i64 = 3_600_000;

/// A distribution day's shifts: task, from and to (hours of the day), people needed, and who
/// signs up.
const SHIFTS: [(&str, i64, i64, u32, &[&str]); 2] = [
    ("packing", 8, 12, 4, &["sam", "tess", "uma", "vik"]),
    ("deliveries", 10, 16, 6, &["lena", "marco", "nia", "omar", "pia"]),
];

/// A role card of the demo: id, title, key tasks, critical, holder, backup, last day of term.
type DemoCard = (
    &'static str,
    &'static str,
    &'static [&'static str],
    bool,
    &'static str,
    Option<&'static str>,
    i64,
);

/// The password of every demo member. Demo data only: never a real group's.
pub const DEMO_PASSWORD: &str = "potluck-demo";
/// The demo group lives in New York: its days and hours are not UTC's, so every screen and
/// test that reads a day reads the group's.
pub const DEMO_TIME_ZONE: &str = "America/New_York";

const MEMBERS: [(&str, &str, &[Role]); 25] = [
    ("ana", "Ana Ortiz", &[Role::Coordinator]),
    ("ben", "Ben Adeyemi", &[Role::Logistics]),
    ("chen", "Chen Wei", &[Role::Logistics, Role::Driver]),
    ("dara", "Dara Byrne", &[Role::Logistics]),
    ("eli", "Eli Haddad", &[Role::Communications]),
    ("fatima", "Fatima Noor", &[Role::Communications, Role::Liaison]),
    ("gus", "Gus Lindqvist", &[Role::Communications]),
    ("hana", "Hana Sato", &[Role::Finance]),
    ("ivan", "Ivan Petrov", &[Role::Finance]),
    ("jo", "Jo Mensah", &[Role::Liaison]),
    ("kemal", "Kemal Aydin", &[Role::Liaison]),
    ("lena", "Lena Fischer", &[Role::Driver]),
    ("marco", "Marco Rossi", &[Role::Driver]),
    ("nia", "Nia Thompson", &[Role::Driver]),
    ("omar", "Omar Farouk", &[Role::Driver]),
    ("pia", "Pia Kowalski", &[Role::Driver]),
    ("quinn", "Quinn Murphy", &[Role::Driver, Role::Volunteer]),
    ("rosa", "Rosa Delgado", &[Role::Driver]),
    ("sam", "Sam Okafor", &[Role::Volunteer]),
    ("tess", "Tess Nguyen", &[Role::Volunteer]),
    ("uma", "Uma Patel", &[Role::Volunteer]),
    ("vik", "Vik Sharma", &[Role::Volunteer]),
    ("wren", "Wren Ellis", &[Role::Volunteer]),
    ("xavi", "Xavi Romero", &[Role::Communications]),
    ("yara", "Yara Haddad", &[Role::Auditor]),
];

const DRIVERS: [&str; 8] = ["chen", "lena", "marco", "nia", "omar", "pia", "quinn", "rosa"];
const INTAKE: [&str; 5] = ["eli", "fatima", "gus", "jo", "kemal"];
const LOGISTICS: [&str; 3] = ["ben", "chen", "dara"];

const ITEMS: [(&str, &str, ItemCategory, &str); 40] = [
    ("rice", "Rice", ItemCategory::Food, "kg"),
    ("pasta", "Pasta", ItemCategory::Food, "pack"),
    ("beans", "Black beans", ItemCategory::Food, "tin"),
    ("lentils", "Lentils", ItemCategory::Food, "kg"),
    ("oats", "Oats", ItemCategory::Food, "pack"),
    ("flour", "Flour", ItemCategory::Food, "kg"),
    ("sugar", "Sugar", ItemCategory::Food, "kg"),
    ("oil", "Cooking oil", ItemCategory::Food, "bottle"),
    ("tomatoes", "Chopped tomatoes", ItemCategory::Food, "tin"),
    ("tuna", "Tuna", ItemCategory::Food, "tin"),
    ("milk", "UHT milk", ItemCategory::Food, "litre"),
    ("cereal", "Cereal", ItemCategory::Food, "box"),
    ("peanut-butter", "Peanut butter", ItemCategory::Food, "jar"),
    ("soup", "Soup", ItemCategory::Food, "tin"),
    ("apples", "Apples", ItemCategory::Food, "kg"),
    ("potatoes", "Potatoes", ItemCategory::Food, "kg"),
    ("onions", "Onions", ItemCategory::Food, "kg"),
    ("carrots", "Carrots", ItemCategory::Food, "kg"),
    ("bread", "Bread", ItemCategory::Food, "loaf"),
    ("eggs", "Eggs", ItemCategory::Food, "dozen"),
    ("cheese", "Cheese", ItemCategory::Food, "pack"),
    ("yogurt", "Yogurt", ItemCategory::Food, "pot"),
    ("chickpeas", "Chickpeas", ItemCategory::Food, "tin"),
    ("corn", "Sweetcorn", ItemCategory::Food, "tin"),
    ("formula", "Baby formula", ItemCategory::Food, "tin"),
    ("soap", "Soap", ItemCategory::Hygiene, "bar"),
    ("shampoo", "Shampoo", ItemCategory::Hygiene, "bottle"),
    ("toothpaste", "Toothpaste", ItemCategory::Hygiene, "tube"),
    ("toothbrush", "Toothbrush", ItemCategory::Hygiene, "piece"),
    ("nappies", "Nappies", ItemCategory::Hygiene, "pack"),
    ("pads", "Sanitary pads", ItemCategory::Hygiene, "pack"),
    ("toilet-paper", "Toilet paper", ItemCategory::Hygiene, "pack"),
    ("laundry", "Laundry powder", ItemCategory::Hygiene, "box"),
    ("plasters", "Plasters", ItemCategory::Medical, "box"),
    ("paracetamol", "Paracetamol", ItemCategory::Medical, "pack"),
    ("first-aid", "First-aid kit", ItemCategory::Medical, "kit"),
    ("coat", "Winter coat", ItemCategory::Clothing, "piece"),
    ("socks", "Warm socks", ItemCategory::Clothing, "pair"),
    ("blanket", "Blanket", ItemCategory::Equipment, "piece"),
    ("thermos", "Thermos", ItemCategory::Equipment, "piece"),
];

const PARTNERS: [(&str, &str, PartnerKind); 6] = [
    ("city-food-bank", "City food bank", PartnerKind::FoodBank),
    ("corner-grocer", "Corner grocer", PartnerKind::Business),
    ("st-marys", "St Mary's parish", PartnerKind::Donor),
    ("bakery", "Sunrise bakery", PartnerKind::Business),
    ("pharmacy", "Elm pharmacy", PartnerKind::Business),
    ("neighbours", "Neighbours' fund", PartnerKind::Donor),
];

const FIRST: [&str; 12] = [
    "Amina", "Jorge", "Li", "Maria", "Tomasz", "Grace", "Yusuf", "Elena", "Kofi", "Sofia",
    "Dmitri", "Aisha",
];
const LAST: [&str; 12] = [
    "Garcia",
    "Kowalczyk",
    "Huang",
    "Diallo",
    "Silva",
    "Murphy",
    "Haddad",
    "Novak",
    "Okoro",
    "Rossi",
    "Ivanova",
    "Khan",
];
const STREETS: [&str; 8] = [
    "Elm Street",
    "Mill Lane",
    "Station Road",
    "Park Avenue",
    "Church Walk",
    "River Row",
    "Oak Close",
    "Market Street",
];
const ZONES: [&str; 5] = ["north", "south", "east", "west", "centre"];
const LANGUAGES: [&str; 5] = ["en", "es", "pl", "ar", "zh"];

pub const HOUSEHOLDS: u64 = 120;
const REQUESTS_PER_DAY: u64 = 36;

/// What the demo made, for the sign-in banner.
#[derive(Debug)]
pub struct Filled {
    pub commands: u64,
    pub members: Vec<(&'static str, &'static [Role])>,
}

struct Demo<'a> {
    group: &'a Group,
    /// The group's clock: the story happens on New York's days and hours.
    local: Clock,
    clock: &'a AtomicI64,
    seed: u64,
    sent: u64,
}

/// Fills the group's empty log with the demo month. The log must have been opened with `clock` as its
/// clock; `real_now_ms` is the real time, which the last simulated moment stays before.
pub async fn fill(group: &Group, clock: &AtomicI64, real_now_ms: i64) -> anyhow::Result<Filled> {
    let offsets = crate::clock::offsets(DEMO_TIME_ZONE).map_err(anyhow::Error::msg)?;
    let mut local = Clock::utc();
    local.set(0, DEMO_TIME_ZONE, &offsets);
    let today = local.day_of(real_now_ms);
    clock.store(local.instant_of(today - 22, 9 * 60), Ordering::SeqCst);
    // The zone first, so every day of the story is the group's own.
    admin::set_time_zone(group, admin::INIT_ACTOR.into(), DEMO_TIME_ZONE).await?;
    let mut demo = Demo { group, local: local.clone(), clock, seed: 0x5eed_f00d, sent: 0 };
    for (member_id, name, roles) in MEMBERS {
        let actor = admin::INIT_ACTOR.into();
        admin::add_member(group, actor, member_id, name, roles.to_vec()).await?;
        let (store, id) = (group.auth().clone(), member_id.to_owned());
        tokio::task::spawn_blocking(move || store.set_password(&id, DEMO_PASSWORD)).await??;
    }
    demo.catalog().await;
    demo.roles(today).await;
    for week in 0..4u64 {
        let day = today - 21 + 7 * week as i64;
        let last = week == 3;
        let (start_ms, step_ms) =
            if last { today_window(real_now_ms, &local) } else { (demo.at(day, 8), 150_000) };
        // Shifts are planned and signed up for ahead of the day.
        demo.plan_shifts(week, day, last).await;
        demo.set_time(start_ms);
        demo.morning_stock(day).await;
        for n in 0..REQUESTS_PER_DAY {
            demo.request(week, n, day, last, step_ms).await;
        }
        if !last {
            demo.close_the_day(week).await;
            demo.sign_in_sheet(week, day).await;
        }
        demo.books(week, day).await;
    }
    demo.standing(today).await;
    let members = MEMBERS.iter().map(|(id, _, roles)| (*id, *roles)).collect();
    Ok(Filled { commands: demo.sent, members })
}

/// Where today's story starts and how far the clock moves per step. Today is still under
/// way: the story starts at most four hours ago but never before midnight (else the month
/// would have five distribution days), and ends before the real now.
fn today_window(real_now_ms: i64, local: &Clock) -> (i64, i64) {
    let midnight = local.start_of_day_ms(local.day_of(real_now_ms));
    let start_ms = (real_now_ms - 4 * 3_600_000).max(midnight);
    // A request takes at most nine steps; keep a quarter of the window spare.
    let step_ms = (real_now_ms - start_ms) * 3 / 4 / (REQUESTS_PER_DAY as i64 * 9);
    (start_ms, step_ms)
}

impl Demo<'_> {
    /// The instant of `hour` o'clock on `day`, on the group's clock.
    fn at(&self, day: i64, hour: i64) -> i64 {
        self.local.instant_of(day, hour * 60)
    }

    fn random(&mut self, below: u64) -> u64 {
        // xorshift64: deterministic and good enough to vary a story.
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        self.seed % below.max(1)
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.random(from.len() as u64) as usize]
    }

    fn set_time(&self, at_ms: i64) {
        self.clock.fetch_max(at_ms, Ordering::SeqCst);
    }

    fn advance(&self, by_ms: i64) {
        self.clock.fetch_add(by_ms, Ordering::SeqCst);
    }

    /// Sends one command as `actor`; whether it was accepted. A refusal is part of the
    /// story (stock ran short, say), not a failure of the demo.
    async fn send(&mut self, actor: &str, command: Command) -> bool {
        self.send_group(actor, group::Command::Distribution(command)).await
    }

    /// Two households on standing orders and the Saturday packing shift that comes back,
    /// with Sam's commitment to it: the server plans their dates as soon as it starts.
    async fn standing(&mut self, today: i64) {
        use shared::distribution::day::Weekday;
        use shared::distribution::{ContactChannel, DeliveryKind, NeedCategory, RequestLine};
        use shared::people::{self, Recurrence};
        use shared::standing;
        let orders = [
            ("so-h001", "h-001", [Weekday::Monday, Weekday::Thursday], "north"),
            ("so-h002", "h-002", [Weekday::Tuesday, Weekday::Friday], "east"),
        ];
        for (order_id, household_id, weekdays, zone) in orders {
            let order = standing::Command::StartStandingOrder {
                order_id: order_id.into(),
                household_id: household_id.into(),
                need_category: NeedCategory::Food,
                lines: vec![
                    RequestLine { item_id: "rice".into(), quantity: 2 },
                    RequestLine { item_id: "beans".into(), quantity: 4 },
                ],
                household_size: 2,
                zone: zone.into(),
                preferred_language: "en".into(),
                contact_channel: ContactChannel::Phone,
                kind: DeliveryKind::Delivery,
                weekdays: weekdays.to_vec(),
                interval_weeks: 1,
                window_start_minute: 14 * 60,
                window_end_minute: 16 * 60,
                starts_on_day: today,
            };
            self.send_group("eli", group::Command::Standing(order)).await;
        }
        let saturday = Recurrence::Week { weekday: Weekday::Saturday, interval_weeks: 1 };
        let template = people::Command::DefineShiftTemplate {
            template_id: "packing".into(),
            task: "Packing".into(),
            recurrence: saturday.clone(),
            starts_minute: 9 * 60,
            ends_minute: 12 * 60,
            people_needed: 4,
            starts_on_day: today,
        };
        self.send_group("ana", group::Command::People(template)).await;
        let commitment = people::Command::MakeCommitment {
            commitment_id: "sam-packing".into(),
            member_id: "sam".into(),
            task: "Packing".into(),
            recurrence: saturday,
            minutes: 180,
            starts_on_day: today,
        };
        self.send_group("sam", group::Command::People(commitment)).await;
    }

    async fn send_group(&mut self, actor: &str, command: group::Command) -> bool {
        self.sent += 1;
        let submitted = Submitted::new(format!("demo-{}", self.sent), actor.into(), command);
        self.group.submit(submitted).await.is_ok()
    }

    /// The group's role cards, its agreement and a few skills. The story leaves signals to
    /// find: finance has no backup, the logistics lead's term ended two days ago, and Chen
    /// holds three roles where the group's limit is two.
    async fn roles(&mut self, today: i64) {
        use shared::distribution::day::Weekday;
        use shared::people::{AgreementText, Command as People, Recurrence, Skill};
        let people = |command| group::Command::People(command);
        let cards: [DemoCard; 7] = [
            (
                "coordinator",
                "Coordinator",
                &["Runs the weekly meeting", "Welcomes new members"],
                true,
                "ana",
                Some("fatima"),
                today + 60,
            ),
            (
                "logistics-lead",
                "Logistics lead",
                &["Orders stock", "Plans the van runs"],
                true,
                "ben",
                Some("chen"),
                today - 2,
            ),
            (
                "finance",
                "Treasurer",
                &["Keeps the books", "Reports every month"],
                true,
                "hana",
                None,
                today + 120,
            ),
            (
                "communications",
                "Communications",
                &["Calls households back", "Runs the group chat"],
                true,
                "eli",
                Some("gus"),
                today + 90,
            ),
            (
                "dispatch",
                "Driver dispatch",
                &["Hands out the day's deliveries"],
                false,
                "chen",
                Some("lena"),
                today + 30,
            ),
            (
                "van-keeper",
                "Van keeper",
                &["Keeps the van fuelled and clean"],
                false,
                "chen",
                None,
                today + 30,
            ),
            (
                "keys",
                "Storage room keys",
                &["Opens and locks the storage room"],
                false,
                "chen",
                Some("dara"),
                today + 30,
            ),
        ];
        for (id, title, tasks, critical, holder, backup, term_ends) in cards {
            let define = People::DefineRoleCard {
                role_card_id: id.into(),
                title: title.to_owned(),
                key_tasks: tasks.iter().map(|t| (*t).to_owned()).collect(),
                critical,
            };
            self.send_group("ana", people(define)).await;
            let assign = People::AssignRole {
                role_card_id: id.into(),
                member_id: holder.into(),
                backup_id: backup.map(Into::into),
                term_ends_on_day: term_ends,
                contact: None,
            };
            self.send_group("ana", people(assign)).await;
        }
        let text = AgreementText {
            membership: "Anyone who lives or works in the neighbourhood and shares these aims; \
                new members shadow a shift first."
                .to_owned(),
            commitments: "Members sign up for shifts a week ahead and say early when they \
                cannot come."
                .to_owned(),
            communication: "The group chat for the day's work; the weekly meeting for \
                decisions."
                .to_owned(),
            boundaries: "We never ask households to prove need, and never share their \
                details outside the people delivering."
                .to_owned(),
        };
        self.send_group("ana", people(People::AdoptAgreement { text })).await;
        for (member, skill) in [
            ("lena", Skill::Driving { has_vehicle: true }),
            ("fatima", Skill::Language { language: "ar".to_owned() }),
            ("sam", Skill::FoodHygiene),
        ] {
            let record =
                People::RecordSkill { member_id: member.into(), skill, expires_on_day: None };
            self.send_group(member, people(record)).await;
        }
        // Specific, recurring promises: "every Tuesday, two hours", "the first Saturday".
        for (id, member, task, recurrence, minutes) in [
            (
                "eli-calls",
                "eli",
                "Confirmation calls",
                Recurrence::Week { weekday: Weekday::Tuesday, interval_weeks: 1 },
                120,
            ),
            (
                "sam-meals",
                "sam",
                "Cooking for the freezer",
                Recurrence::Month { weekday: Weekday::Saturday, nth: 1 },
                180,
            ),
        ] {
            let commitment = People::MakeCommitment {
                commitment_id: id.into(),
                member_id: member.into(),
                task: task.to_owned(),
                recurrence,
                minutes,
                starts_on_day: today - 28,
            };
            self.send_group(member, people(commitment)).await;
        }
    }

    /// Each distribution day's two shifts, and who signed up: everyone on past days, two
    /// people a shift today, so today's shifts are short of people.
    async fn plan_shifts(&mut self, week: u64, day: i64, today: bool) {
        use shared::people::Command as People;
        for (task, from, to, needed, volunteers) in SHIFTS {
            let shift_id = format!("shift-{week}-{task}");
            let planned = People::PlanShift {
                shift_id: shift_id.as_str().into(),
                task: task.to_owned(),
                starts_at_ms: self.at(day, from),
                ends_at_ms: self.at(day, to),
                people_needed: needed,
            };
            self.send_group("ben", group::Command::People(planned)).await;
            for member in volunteers.iter().take(if today { 2 } else { volunteers.len() }) {
                let sign_up = People::SignUpForShift {
                    shift_id: shift_id.as_str().into(),
                    member_id: (*member).into(),
                };
                self.send_group(member, group::Command::People(sign_up)).await;
            }
        }
    }

    /// A past day's times, from the paper sign-in sheet, typed in by logistics at the end of
    /// the day with that reason. Sam stays on until ten at night, fourteen hours each week:
    /// over three weeks, more than the 40 hours in four the group set as its limit.
    async fn sign_in_sheet(&mut self, week: u64, day: i64) {
        use shared::people::Command as People;
        self.set_time(self.at(day, 23));
        for (task, from, to, _, volunteers) in SHIFTS {
            let shift_id = format!("shift-{week}-{task}");
            for &member in volunteers {
                // Vik did not come in the third week; nobody has recorded it yet.
                if week == 2 && member == "vik" {
                    continue;
                }
                let stays =
                    if member == "sam" { 10 * HOUR_MS } else { self.random(30) as i64 * 60_000 };
                let correct = People::CorrectShiftTimes {
                    shift_id: shift_id.as_str().into(),
                    member_id: member.into(),
                    checked_in_at_ms: self.at(day, from),
                    checked_out_at_ms: self.at(day, to) + stays,
                    reason: "From the paper sign-in sheet".to_owned(),
                };
                self.send_group("ben", group::Command::People(correct)).await;
            }
        }
    }

    /// A week of the group's books, recorded by the two finance members: the chart and an
    /// opening balance first; each week cash and app donations, food bought, fuel; in the
    /// second week a purchase over the approval threshold, approved by the other member and
    /// paid; today, a reimbursement still waiting for approval.
    async fn books(&mut self, week: u64, day: i64) {
        let ledger = |command| group::Command::Ledger(command);
        if week == 0 {
            for open in shared::ledger::default_chart() {
                self.send_group("hana", ledger(open)).await;
            }
            self.transaction(
                "hana",
                "t-opening",
                day,
                "Balance brought in",
                &[("bank", 120_000), ("opening-balances", -120_000)],
                None,
            )
            .await;
        }
        let donor = ["St Mary's parish", "Neighbours' fund"][(week % 2) as usize];
        let cash = 6_000 + 500 * self.random(10) as i64;
        self.transaction(
            "hana",
            &format!("t-{week}-cash"),
            day,
            "Donations box",
            &[("cash", cash), ("donations", -cash)],
            Some(donor),
        )
        .await;
        let app = 2_000 + 250 * self.random(20) as i64;
        self.transaction(
            "ivan",
            &format!("t-{week}-app"),
            day,
            "Donations by payment app",
            &[("payment-app", app), ("donations", -app)],
            None,
        )
        .await;
        let food = 4_000 + 100 * self.random(50) as i64;
        self.transaction(
            "hana",
            &format!("t-{week}-food"),
            day,
            "Fresh vegetables, market",
            &[("food", food), ("bank", -food)],
            None,
        )
        .await;
        self.transaction(
            "ivan",
            &format!("t-{week}-fuel"),
            day,
            "Van fuel",
            &[("transport", 2_500), ("cash", -2_500)],
            None,
        )
        .await;
        // Both were paid on the day, at the till.
        for (payer, id) in [("hana", format!("t-{week}-food")), ("ivan", format!("t-{week}-fuel"))]
        {
            let pay = shared::ledger::Command::PayExpense {
                transaction_id: id.as_str().into(),
                paid_on_day: day,
            };
            self.send_group(payer, ledger(pay)).await;
        }
        let bread = shared::ledger::Command::RecordGoodsDonation {
            donation_id: format!("goods-{week}").as_str().into(),
            on_day: day,
            description: "Bread and pastries, end of day".to_owned(),
            estimated_value_cents: 3_000 + 500 * self.random(6) as i64,
            partner_id: None,
            donor: Some(shared::ledger::Donor {
                public_name: Some("Corner bakery".to_owned()),
                personal_data: None,
            }),
        };
        self.send_group("hana", ledger(bread)).await;
        self.grant(week, day).await;
        match week {
            1 => {
                let id = "t-1-wholesale";
                self.transaction(
                    "hana",
                    id,
                    day,
                    "Rice and tins, wholesale",
                    &[("food", 18_000), ("bank", -18_000)],
                    None,
                )
                .await;
                let approve = shared::ledger::Command::ApproveExpense { transaction_id: id.into() };
                self.send_group("ivan", ledger(approve)).await;
                let pay = shared::ledger::Command::PayExpense {
                    transaction_id: id.into(),
                    paid_on_day: day,
                };
                self.send_group("hana", ledger(pay)).await;
            }
            2 => {
                // The box counted twice: corrected by a reversal, never by an edit.
                let id = "t-2-cash-again";
                self.transaction(
                    "ivan",
                    id,
                    day,
                    "Donations box",
                    &[("cash", cash), ("donations", -cash)],
                    None,
                )
                .await;
                let reverse = shared::ledger::Command::ReverseTransaction {
                    reversal_id: "t-2-cash-again-reversed".into(),
                    transaction_id: id.into(),
                    on_day: day,
                    reason: "Counted twice; the box is t-2-cash".to_owned(),
                };
                self.send_group("hana", ledger(reverse)).await;
            }
            3 => {
                let id = "t-3-reimburse";
                self.transaction(
                    "ivan",
                    id,
                    day,
                    "Nappies and formula, Sam's receipt",
                    &[("reimbursements", 14_500), ("owed", -14_500)],
                    None,
                )
                .await;
            }
            _ => {}
        }
    }

    /// A small grant from the city: applied for in the first week, awarded in the second,
    /// half of it received in the third; the rest is still to come.
    async fn grant(&mut self, week: u64, day: i64) {
        use shared::ledger::Command as Ledger;
        let grant_id = "city-small-grants";
        let command = match week {
            0 => Ledger::ApplyForGrant {
                grant_id: grant_id.into(),
                funder: "City small-grants fund".to_owned(),
                purpose: "A second freezer and a year of van insurance".to_owned(),
                requested_cents: 250_000,
                applied_on_day: day,
            },
            1 => Ledger::RecordGrantAward {
                grant_id: grant_id.into(),
                awarded_cents: 200_000,
                awarded_on_day: day,
            },
            2 => Ledger::ReceiveGrant {
                grant_id: grant_id.into(),
                transaction_id: "t-2-grant".into(),
                amount_cents: 100_000,
                received_on_day: day,
                into_account_id: "bank".into(),
                income_account_id: "grants".into(),
            },
            _ => return,
        };
        self.send_group("hana", group::Command::Ledger(command)).await;
    }

    async fn transaction(
        &mut self,
        actor: &str,
        transaction_id: &str,
        on_day: i64,
        description: &str,
        postings: &[(&str, i64)],
        public_donor: Option<&str>,
    ) {
        let command = shared::ledger::Command::RecordTransaction {
            transaction_id: transaction_id.into(),
            on_day,
            description: description.to_owned(),
            currency: shared::ledger::Currency::USD,
            postings: postings
                .iter()
                .map(|(account, cents)| shared::ledger::Posting {
                    account_id: (*account).into(),
                    amount_cents: *cents,
                })
                .collect(),
            receipt: None,
            paid_for: None,
            donor: public_donor.map(|name| shared::ledger::Donor {
                public_name: Some(name.to_owned()),
                personal_data: None,
            }),
        };
        self.send_group(actor, group::Command::Ledger(command)).await;
    }

    async fn catalog(&mut self) {
        // The zones the group delivers to: intake offers these, and only these.
        for zone in ZONES {
            let mut name = zone.to_owned();
            name[..1].make_ascii_uppercase();
            self.send("ana", Command::AddZone { zone: name.as_str().into() }).await;
        }
        // When a card counts as late: the defaults, but back from the road in two hours.
        let rules = LateAfter { out_minutes: 120, ..LateAfter::default() };
        self.send("ana", Command::SetLateAfter { rules }).await;
        let locations = [
            ("church-pantry", "Church hall pantry", LocationKind::Pantry),
            ("storage-room", "Storage room", LocationKind::StorageRoom),
            ("van", "Delivery van", LocationKind::Van),
        ];
        for (location_id, name, kind) in locations {
            let command = Command::RegisterLocation {
                location_id: location_id.into(),
                name: name.into(),
                kind,
            };
            self.send("ben", command).await;
        }
        for (partner_id, name, kind) in PARTNERS {
            self.send(
                "ana",
                Command::RegisterPartner { partner_id: partner_id.into(), name: name.into(), kind },
            )
            .await;
        }
        for (item_id, name, category, unit) in ITEMS {
            let command = Command::RegisterItem {
                item_id: item_id.into(),
                name: name.into(),
                category,
                unit: unit.into(),
            };
            self.send("ben", command).await;
        }
        for (item_id, quantity) in
            [("rice", 15), ("milk", 12), ("nappies", 6), ("formula", 4), ("soap", 10)]
        {
            self.send("ben", Command::SetLowStockThreshold { item_id: item_id.into(), quantity })
                .await;
        }
        self.advance(60_000);
    }

    async fn morning_stock(&mut self, day: i64) {
        for (item_id, _, category, _) in ITEMS {
            // Some items miss a delivery now and then: that is where stockouts come from.
            if self.random(6) == 0 {
                continue;
            }
            let expires_on_day =
                (category == ItemCategory::Food).then(|| day + 3 + self.random(40) as i64);
            let partner = self.pick(&PARTNERS).0;
            let source = if self.random(5) == 0 {
                StockSource::Purchase { partner_id: Some(partner.into()), alert_id: None }
            } else {
                StockSource::Donation { partner_id: partner.into() }
            };
            let command = Command::ReceiveStock {
                item_id: item_id.into(),
                location_id: "church-pantry".into(),
                quantity: 10 + self.random(30) as i64,
                expires_on_day,
                source,
            };
            let logistics = self.pick(&LOGISTICS);
            self.send(logistics, command).await;
            self.advance(20_000);
        }
    }

    /// At the end of a past day the group closes most of what stayed open (the stock never
    /// came, the household found help elsewhere); a third stays open, and is late on
    /// today's board. A request already delivered or cancelled refuses the cancel.
    async fn close_the_day(&mut self, week: u64) {
        for n in (0..REQUESTS_PER_DAY).filter(|n| n % 3 != 0) {
            let request_id = format!("r-{week}-{n:02}");
            let reason = if n % 2 == 0 {
                "The stock did not come in time: referred to the food bank"
            } else {
                "Found help elsewhere, told us on the phone"
            };
            let cancel = Command::CancelRequest {
                request_id: request_id.as_str().into(),
                reason: reason.to_owned(),
            };
            self.send("ana", cancel).await;
        }
    }

    fn personal_data(&mut self, household: u64) -> PersonalData {
        let (first, last) =
            (FIRST[(household % 12) as usize], LAST[((household / 12) % 12) as usize]);
        PersonalData {
            name: format!("{first} {last}"),
            phone: format!("555-01{:02}", household % 100),
            address: format!("{} {}", 1 + household * 3 % 97, STREETS[(household % 8) as usize]),
            notes: if household.is_multiple_of(9) {
                "Ring twice; step-free access please".into()
            } else {
                String::new()
            },
        }
    }

    /// One household's request through the procedure, as far as `last` day's clock allows.
    async fn request(&mut self, week: u64, n: u64, day: i64, today: bool, step_ms: i64) {
        // 67 is prime to 120: the first 120 requests come from 120 different households,
        // the rest from households that asked before.
        let household = (week * REQUESTS_PER_DAY + n) * 67 % HOUSEHOLDS;
        let household_id = format!("h-{household:03}");
        let request_id = format!("r-{week}-{n:02}");
        let lines: Vec<RequestLine> = (0..1 + self.random(3))
            .map(|_| RequestLine {
                item_id: self.pick(&ITEMS).0.into(),
                quantity: 1 + self.random(3) as i64,
            })
            .collect();
        let mut lines_unique: Vec<RequestLine> = Vec::new();
        for line in lines {
            if !lines_unique.iter().any(|l| l.item_id == line.item_id) {
                lines_unique.push(line);
            }
        }
        let sealed = self
            .group
            .keys()
            .seal(&household_key(&household_id), &self.personal_data(household))
            .ok();
        let intake = self.pick(&INTAKE);
        let logged = Command::LogRequest {
            request_id: request_id.as_str().into(),
            household_id: household_id.as_str().into(),
            need_category: if lines_unique.iter().any(|l| {
                ITEMS.iter().any(|i| i.0 == l.item_id.as_str() && i.2 == ItemCategory::Food)
            }) {
                NeedCategory::Food
            } else {
                NeedCategory::Hygiene
            },
            lines: lines_unique.clone(),
            household_size: 1 + self.random(6) as i64,
            urgency: [Urgency::Routine, Urgency::Soon, Urgency::Urgent][self.random(3) as usize],
            zone: self.pick(&ZONES).into(),
            preferred_language: self.pick(&LANGUAGES).into(),
            contact_channel: [
                ContactChannel::Phone,
                ContactChannel::Sms,
                ContactChannel::Messaging,
            ][self.random(3) as usize],
            personal_data: sealed,
        };
        if !self.send(intake, logged).await {
            return;
        }
        // On today's board, requests stop at every stage of the procedure.
        let stop_after = if today { self.random(7) } else { 7 };
        let logistics = self.pick(&LOGISTICS);
        self.advance(step_ms);
        if stop_after == 0
            || !self
                .send(logistics, Command::CheckStock { request_id: request_id.as_str().into() })
                .await
        {
            return;
        }
        let mut reserved = Vec::new();
        for line in &lines_unique {
            let reserve = Command::ReserveStock {
                request_id: request_id.as_str().into(),
                lines: vec![line.clone()],
                from_location_id: None,
            };
            if self.send(logistics, reserve).await {
                reserved.push(line.clone());
            }
        }
        self.advance(step_ms);
        if reserved.is_empty() || stop_after == 1 {
            return;
        }
        self.deliver(&request_id, reserved, day, stop_after, step_ms).await;
    }

    async fn deliver(
        &mut self,
        request_id: &str,
        lines: Vec<RequestLine>,
        day: i64,
        stop_after: u64,
        step_ms: i64,
    ) {
        let pickup = self.random(5) == 0;
        let driver = self.pick(&DRIVERS);
        let delivery_id = format!("d-{request_id}");
        let hour = if self.random(2) == 0 { 10 } else { 14 };
        let window_start_ms = self.at(day, hour);
        let schedule = Command::ScheduleDelivery {
            delivery_id: delivery_id.as_str().into(),
            request_id: request_id.into(),
            kind: if pickup { DeliveryKind::Pickup } else { DeliveryKind::Delivery },
            lines: lines.clone(),
            window_start_ms,
            window_end_ms: window_start_ms + 2 * 3_600_000,
            driver_id: (!pickup && self.random(3) > 0).then(|| driver.into()),
            replaces_delivery_id: None,
        };
        let logistics = self.pick(&LOGISTICS);
        if !self.send(logistics, schedule).await || stop_after == 2 {
            return;
        }
        self.advance(step_ms);
        let comms = self.pick(&INTAKE);
        let confirm = Command::ConfirmWithHousehold {
            delivery_id: delivery_id.as_str().into(),
            channel: ContactChannel::Phone,
            language: "en".into(),
        };
        if !self.send(comms, confirm).await || stop_after == 3 {
            return;
        }
        let hands = if pickup { "sam" } else { driver };
        if !pickup {
            // Unassigned deliveries are claimed by a driver; a claim of an assigned one is refused.
            self.send(driver, Command::ClaimDelivery { delivery_id: delivery_id.as_str().into() })
                .await;
        }
        self.advance(step_ms);
        self.send(hands, Command::StartDelivery { delivery_id: delivery_id.as_str().into() }).await;
        if stop_after == 4 {
            return;
        }
        self.advance(step_ms);
        if self.random(10) == 0 {
            let reason = self.pick(&[
                FailureReason::NobodyHome,
                FailureReason::WrongAddress,
                FailureReason::Refused,
            ]);
            self.send(
                hands,
                Command::FailDelivery {
                    delivery_id: delivery_id.as_str().into(),
                    reason,
                    note: String::new(),
                },
            )
            .await;
            return;
        }
        self.send(hands, Command::CompleteDelivery { delivery_id: delivery_id.as_str().into() })
            .await;
        if stop_after >= 6 && self.random(5) < 2 {
            self.advance(step_ms);
            let rating = 3 + self.random(3) as i64;
            let feedback = Command::RecordFeedback {
                request_id: request_id.into(),
                from: FeedbackFrom::Household,
                rating,
                text: "Thank you, all arrived".into(),
            };
            self.send(comms, feedback).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn todays_story_stays_within_today_and_before_now() {
        let mut local = Clock::utc();
        local.set(0, DEMO_TIME_ZONE, &crate::clock::offsets(DEMO_TIME_ZONE).unwrap());
        // 00:00:00.001, 00:30 and 12:00 in New York, in winter and in summer.
        for day in [20_000, 20_100] {
            let midnight = local.start_of_day_ms(day);
            for now in [midnight + 1, midnight + 30 * 60_000, midnight + 12 * 3_600_000] {
                let (start, step) = today_window(now, &local);
                let end = start + step * REQUESTS_PER_DAY as i64 * 9;
                assert_eq!(local.day_of(start), local.day_of(now), "now {now}");
                assert!(start <= end && end < now, "now {now}: {start}..{end}");
            }
        }
    }
}
