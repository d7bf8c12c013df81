//! What each kind of sheet becomes: its columns, and for each row the commands a member
//! would have sent from the screens. Planning reads the group as it is ([`Known`]) so a row
//! already in Potluck plans nothing ("unchanged"); that, and ids made from the row's own
//! content, make importing the same file again create nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::csv::name_of;
use distribution::Command as D;
use sha2::{Digest, Sha256};
use shared::access::Role;
use shared::distribution::day::iso_date;
use shared::distribution::{
    self, AdjustmentReason, ContactChannel, ItemCategory, LocationKind, MAX_HOUSEHOLD_SIZE,
    PartnerKind,
};
use shared::group::Command;
use shared::ledger::{self, Currency, Donor, Posting};
use shared::ledger::{AccountClass, AccountKind};
use shared::members;
use shared::people;
use shared::people::Skill;
use shared::personal::PersonalData;

use super::sheet::{Column, Header, Row};
use super::value::{self, DateOrder};
use super::{Kind, RowError};
use crate::projections::Projections;

/// A command planned for a row, with the words the preview shows for it.
#[derive(Debug)]
pub struct Planned {
    pub line: usize,
    pub command: Command,
    /// Personal data in clear, for where the command carries it
    /// (`shared::personal::sealing`): sealed when imported, never in a check.
    pub personal: Option<PersonalData>,
    pub text: String,
}

const fn col(key: &'static str, names: &'static [&'static str], required: bool) -> Column {
    Column { key, names, required }
}

/// The columns of each kind: the key first, then the header texts that mean it.
pub fn columns(kind: Kind) -> &'static [Column] {
    match kind {
        Kind::Items => {
            const C: &[Column] = &[
                col("item id", &["id", "sku", "code", "item code"], false),
                col("item", &["name", "item name", "product", "article", "description"], true),
                col("category", &["type", "kind", "item category"], false),
                col("unit", &["units", "uom", "measure", "unit of measure"], false),
                col("location id", &[], false),
                col(
                    "location",
                    &["where", "site", "store", "storage", "place", "location name"],
                    false,
                ),
                col("location kind", &["location type"], false),
                col(
                    "quantity",
                    &[
                        "qty",
                        "on hand",
                        "qty on hand",
                        "quantity on hand",
                        "stock",
                        "count",
                        "in stock",
                        "amount",
                    ],
                    false,
                ),
                col(
                    "expires",
                    &["expiry", "expiry date", "best before", "use by", "bbd", "expires on"],
                    false,
                ),
                col(
                    "low stock",
                    &["low stock threshold", "threshold", "reorder at", "minimum", "min"],
                    false,
                ),
            ];
            C
        }
        Kind::Members => {
            const C: &[Column] = &[
                col(
                    "member id",
                    &["id", "sign in", "sign in id", "username", "login", "user"],
                    false,
                ),
                col(
                    "name",
                    &["full name", "volunteer", "member", "volunteer name", "member name"],
                    true,
                ),
                col("roles", &["role", "position", "team"], false),
                col("skills", &["skill", "qualifications", "can do"], false),
                col("languages", &["language", "speaks", "spoken languages"], false),
            ];
            C
        }
        Kind::Partners => {
            const C: &[Column] = &[
                col("partner id", &["id", "code"], false),
                col(
                    "partner",
                    &["name", "partner name", "organisation", "organization", "business"],
                    true,
                ),
                col("kind", &["type", "category", "partner kind"], false),
            ];
            C
        }
        Kind::Households => {
            const C: &[Column] = &[
                col("household id", &["id", "household", "ref", "reference", "family id"], false),
                col("name", &["contact", "contact name", "family", "household name"], false),
                col("phone", &["telephone", "mobile", "tel", "phone number"], false),
                col("address", &["street", "street address"], false),
                col("notes", &["diet", "dietary", "health", "access", "needs", "comments"], false),
                col("zone", &["area", "neighbourhood", "neighborhood", "district", "route"], true),
                col(
                    "size",
                    &["household size", "people", "members", "number of people", "adults"],
                    false,
                ),
                col("language", &["preferred language", "languages"], false),
                col(
                    "contact channel",
                    &["channel", "contact by", "contact method", "preferred contact"],
                    false,
                ),
            ];
            C
        }
        Kind::Donations => {
            const C: &[Column] = &[
                col("date", &["received", "received on", "day", "date received"], true),
                col("amount", &["value", "sum", "total", "gift", "donation"], true),
                col("description", &["note", "notes", "memo", "details", "what", "comment"], false),
                col("donor", &["from", "donor name", "given by", "name"], false),
                col("public", &["named", "public name", "thank publicly", "publish"], false),
                col(
                    "account",
                    &["into", "paid into", "method", "received into", "payment method", "channel"],
                    false,
                ),
                col("income account", &["fund", "income", "category"], false),
                col("reference", &["ref", "receipt", "receipt no", "receipt number"], false),
            ];
            C
        }
        Kind::Expenses => {
            const C: &[Column] = &[
                col("date", &["day", "bought", "date of purchase", "spent on"], true),
                col("amount", &["value", "sum", "total", "cost", "price"], true),
                col(
                    "description",
                    &["note", "notes", "memo", "details", "what", "item", "items"],
                    false,
                ),
                col("category", &["expense account", "account", "type", "budget line"], false),
                col(
                    "paid from",
                    &["from", "paid with", "method", "payment method", "paid by"],
                    false,
                ),
                col(
                    "reference",
                    &["ref", "receipt", "receipt no", "receipt number", "invoice"],
                    false,
                ),
            ];
            C
        }
    }
}

/// What planning needs to know of the group as it is.
#[derive(Debug)]
pub struct Known {
    pub today: i64,
    items: HashMap<String, (String, ItemCategory)>,
    item_by_name: HashMap<String, String>,
    stock: HashMap<Batch, i64>,
    thresholds: HashMap<String, i64>,
    locations: HashMap<String, String>,
    location_by_name: HashMap<String, String>,
    partners: HashSet<String>,
    partner_by_name: HashMap<String, String>,
    members: HashMap<String, Vec<Role>>,
    skills: HashMap<String, Vec<Skill>>,
    accounts: BTreeMap<String, (String, AccountKind)>,
    transactions: HashSet<String>,
    currency: Currency,
    limits: shared::limits::GroupLimits,
}

impl Known {
    pub fn of(p: &Projections, today: i64) -> Known {
        let stock = &p.board.stock;
        let mut known = Known {
            today,
            items: HashMap::new(),
            item_by_name: HashMap::new(),
            stock: HashMap::new(),
            thresholds: HashMap::new(),
            locations: HashMap::new(),
            location_by_name: HashMap::new(),
            partners: HashSet::new(),
            partner_by_name: HashMap::new(),
            members: HashMap::new(),
            skills: HashMap::new(),
            accounts: BTreeMap::new(),
            transactions: p.ledger.transactions.keys().map(|t| t.to_string()).collect(),
            currency: p.limits.currency,
            limits: p.limits.clone(),
        };
        for (id, item) in &stock.items {
            known.items.insert(id.to_string(), (item.name.clone(), item.category));
            known.item_by_name.insert(item.name.to_lowercase(), id.to_string());
            known.thresholds.insert(id.to_string(), item.low_stock_threshold);
            for batch in &item.batches {
                let key = (id.to_string(), batch.location_id.to_string(), batch.expires_on_day);
                known.stock.insert(key, batch.on_hand);
            }
        }
        for (id, name) in &stock.locations {
            known.locations.insert(id.to_string(), name.clone());
            known.location_by_name.insert(name.to_lowercase(), id.to_string());
        }
        for (id, name) in &stock.partners {
            known.partners.insert(id.to_string());
            known.partner_by_name.insert(name.to_lowercase(), id.to_string());
        }
        for member in p.members.iter() {
            known.members.insert(member.member_id.to_string(), member.roles.clone());
        }
        for (member, entries) in &p.people.skills {
            let skills = entries.iter().map(|e| e.skill.clone()).collect();
            known.skills.insert(member.to_string(), skills);
        }
        for (id, account) in &p.ledger.accounts {
            if !account.closed {
                known.accounts.insert(id.to_string(), (account.name.clone(), account.kind));
            }
        }
        known
    }
}

/// Plans one kind of sheet, row by row.
#[derive(Debug)]
pub struct Planner<'k> {
    kind: Kind,
    known: &'k mut Known,
    dates: DateOrder,
    /// The file's hash, for ids made from a row's position (households without an id).
    file_hash: String,
    pub planned: Vec<Planned>,
    pub unchanged: usize,
    /// Stock counts by batch, summed over the file's rows, with the first row of each.
    counts: Vec<(Batch, usize, i64)>,
    count_index: HashMap<Batch, usize>,
    /// How often each donation or expense has appeared so far in the file.
    seen: HashMap<String, u32>,
}

type RowResult = Result<(), Vec<RowError>>;

/// A batch of stock: item, location and expiry day.
type Batch = (String, String, Option<i64>);

fn error(line: usize, column: &str, message: impl Into<String>) -> Vec<RowError> {
    vec![RowError { row: line, column: column.to_owned(), message: message.into() }]
}

impl<'k> Planner<'k> {
    pub fn new(kind: Kind, known: &'k mut Known, dates: DateOrder, file_hash: &str) -> Self {
        Planner {
            kind,
            known,
            dates,
            file_hash: file_hash.to_owned(),
            planned: Vec::new(),
            unchanged: 0,
            counts: Vec::new(),
            count_index: HashMap::new(),
            seen: HashMap::new(),
        }
    }

    fn plan(&mut self, line: usize, command: impl Into<Command>, text: String) {
        self.planned.push(Planned { line, command: command.into(), personal: None, text });
    }

    /// Plans one row; a row with problems plans nothing and says what they are.
    pub fn row(&mut self, header: &Header, row: &Row) -> RowResult {
        let cells: Vec<&str> = (0..columns(self.kind).len()).map(|i| header.cell(row, i)).collect();
        let before = self.planned.len();
        let result = match self.kind {
            Kind::Items => self.item(row.line, &cells),
            Kind::Members => self.member(row.line, &cells),
            Kind::Partners => self.partner(row.line, &cells),
            Kind::Households => self.household(row.line, &cells),
            Kind::Donations => self.money(row.line, &cells, true),
            Kind::Expenses => self.money(row.line, &cells, false),
        };
        if result.is_err() {
            self.planned.truncate(before);
        }
        result
    }

    /// After the last row: the stock counts become adjustments to what the books hold.
    pub fn finish(&mut self) {
        for (key, line, target) in std::mem::take(&mut self.counts) {
            let current = self.known.stock.get(&key).copied().unwrap_or(0);
            let change = target - current;
            if change == 0 {
                self.unchanged += 1;
                continue;
            }
            let (item_id, location_id, expires) = key;
            let text = format!("Count {item_id} at {location_id}: {current} → {target}");
            let command = D::AdjustStock {
                item_id: item_id.as_str().into(),
                location_id: location_id.as_str().into(),
                expires_on_day: expires,
                change,
                reason: AdjustmentReason::CountCorrection,
                note: "Stock count imported from a spreadsheet".to_owned(),
                corrects_position: None,
            };
            self.plan(line, command, text);
        }
    }

    fn item(&mut self, line: usize, c: &[&str]) -> RowResult {
        let [
            id,
            name,
            category,
            unit,
            location_id,
            location,
            location_kind,
            quantity,
            expires,
            low,
        ] = c
        else {
            return Ok(());
        };
        let mut errors = Vec::new();
        let known_id = if id.is_empty() {
            self.known.item_by_name.get(&name.to_lowercase()).cloned()
        } else {
            Some((*id).to_owned())
        };
        let item_id = known_id.unwrap_or_else(|| value::slug(name));
        if item_id.is_empty() {
            errors.extend(error(line, "item", "every row needs the item's name"));
        }
        let category_value = match category.to_lowercase().as_str() {
            "" => None,
            text => match item_category(text) {
                Some(c) => Some(c),
                None => {
                    errors.extend(error(line, "category", format!(
                        "'{category}' is not a category: food, hygiene, medical, clothing, equipment or other"
                    )));
                    None
                }
            },
        };
        let quantity = match *quantity {
            "" => None,
            text => match value::whole(text) {
                Ok(n) if n < 0 => {
                    errors.extend(error(line, "quantity", format!("'{text}' is below zero")));
                    None
                }
                Ok(n) => Some(n),
                Err(message) => {
                    errors.extend(error(line, "quantity", message));
                    None
                }
            },
        };
        let expires_written = !expires.is_empty();
        let expires = match *expires {
            "" => None,
            text => value::date(text, self.dates)
                .map_err(|m| errors.extend(error(line, "expires", m)))
                .ok(),
        };
        let low = match *low {
            "" => None,
            text => match value::whole(text) {
                Ok(n) if n >= 0 => Some(n),
                Ok(_) => {
                    errors.extend(error(line, "low stock", format!("'{text}' is below zero")));
                    None
                }
                Err(message) => {
                    errors.extend(error(line, "low stock", message));
                    None
                }
            },
        };
        let location_id = if location_id.is_empty() && location.is_empty() {
            None
        } else if !location_id.is_empty() {
            Some((*location_id).to_owned())
        } else {
            let by_name = self.known.location_by_name.get(&location.to_lowercase()).cloned();
            Some(by_name.unwrap_or_else(|| value::slug(location)))
        };
        let location_kind = match location_kind.to_lowercase().replace([' ', '-'], "_").as_str() {
            "" | "pantry" => LocationKind::Pantry,
            "storage_room" | "storage" | "store_room" | "storeroom" => LocationKind::StorageRoom,
            "van" | "vehicle" | "car" => LocationKind::Van,
            _ => {
                errors.extend(error(
                    line,
                    "location kind",
                    format!(
                        "'{location_kind}' is not a kind of location: pantry, storage room or van"
                    ),
                ));
                LocationKind::Pantry
            }
        };
        if quantity.is_some() && location_id.is_none() {
            errors.extend(error(line, "location", "a quantity needs the location it is kept at"));
        }
        let category_now = self.known.items.get(&item_id).map(|(_, c)| *c);
        let category = category_now.or(category_value).unwrap_or(ItemCategory::Other);
        if quantity.is_some_and(|q| q > 0) && !expires_written && category == ItemCategory::Food {
            errors.extend(error(line, "expires", "food needs an expiry date"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut changed = false;
        if category_now.is_none() {
            let unit = if unit.is_empty() { "unit" } else { unit };
            let text = format!("Register item {name} ({}, {unit})", name_of(&category));
            let command = D::RegisterItem {
                item_id: item_id.as_str().into(),
                name: (*name).to_owned(),
                category,
                unit: unit.to_owned(),
            };
            self.plan(line, command, text);
            self.known.items.insert(item_id.clone(), ((*name).to_owned(), category));
            self.known.item_by_name.insert(name.to_lowercase(), item_id.clone());
            changed = true;
        }
        if let Some(low) = low
            && self.known.thresholds.get(&item_id).copied().unwrap_or(0) != low
        {
            let text = format!("Warn when {item_id} falls below {low}");
            let command =
                D::SetLowStockThreshold { item_id: item_id.as_str().into(), quantity: low };
            self.plan(line, command, text);
            self.known.thresholds.insert(item_id.clone(), low);
            changed = true;
        }
        if let Some(location_id) = &location_id
            && !self.known.locations.contains_key(location_id)
        {
            let name = if location.is_empty() { location_id.as_str() } else { location };
            let text = format!("Register location {name} ({})", name_of(&location_kind));
            let command = D::RegisterLocation {
                location_id: location_id.as_str().into(),
                name: name.to_owned(),
                kind: location_kind,
            };
            self.plan(line, command, text);
            self.known.locations.insert(location_id.clone(), name.to_owned());
            self.known.location_by_name.insert(name.to_lowercase(), location_id.clone());
            changed = true;
        }
        if let (Some(quantity), Some(location_id)) = (quantity, location_id) {
            let key = (item_id, location_id, expires);
            match self.count_index.get(&key) {
                Some(&i) => self.counts[i].2 += quantity,
                None => {
                    self.count_index.insert(key.clone(), self.counts.len());
                    self.counts.push((key, line, quantity));
                }
            }
            // Counted as changed or unchanged in `finish`.
            changed = true;
        }
        if !changed {
            self.unchanged += 1;
        }
        Ok(())
    }

    fn member(&mut self, line: usize, c: &[&str]) -> RowResult {
        let [id, name, roles, skills, languages] = c else { return Ok(()) };
        let mut errors = Vec::new();
        let member_id = if id.is_empty() { ascii_slug(name) } else { id.to_lowercase() };
        if member_id.is_empty() {
            errors.extend(error(line, "name", "every row needs the member's name"));
        }
        let mut role_list = Vec::new();
        for text in value::list(roles) {
            match role_of(&text) {
                Some(role) if !role_list.contains(&role) => role_list.push(role),
                Some(_) => {}
                None => errors.extend(error(line, "roles", format!(
                    "'{text}' is not a role: coordinator, logistics, communications, finance, liaison, driver, volunteer or auditor"
                ))),
            }
        }
        if role_list.is_empty() {
            role_list.push(Role::Volunteer);
        }
        let mut skill_list: Vec<Skill> = value::list(skills).iter().map(|s| skill_of(s)).collect();
        skill_list.extend(
            value::list(languages).into_iter().map(|language| Skill::Language { language }),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut changed = false;
        match self.known.members.get(&member_id).cloned() {
            None => {
                let text = format!("Add member {member_id} ({})", join_roles(&role_list));
                let command = members::Command::AddMember {
                    member_id: member_id.as_str().into(),
                    name: (*name).to_owned(),
                    roles: role_list.clone(),
                };
                self.plan(line, command, text);
                self.known.members.insert(member_id.clone(), role_list);
                changed = true;
            }
            Some(held) => {
                // Roles are only ever added: a sheet never takes a role away.
                let mut all = held.clone();
                all.extend(role_list.iter().filter(|r| !held.contains(r)));
                if all.len() > held.len() {
                    let text = format!("Give {member_id} the roles {}", join_roles(&all));
                    let command = members::Command::ChangeRoles {
                        member_id: member_id.as_str().into(),
                        roles: all.clone(),
                    };
                    self.plan(line, command, text);
                    self.known.members.insert(member_id.clone(), all);
                    changed = true;
                }
            }
        }
        let held = self.known.skills.entry(member_id.clone()).or_default();
        let mut new_skills = Vec::new();
        for skill in skill_list {
            if !held.iter().chain(&new_skills).any(|h: &Skill| h.same_skill(&skill)) {
                new_skills.push(skill);
            }
        }
        held.extend(new_skills.iter().cloned());
        for skill in new_skills {
            let text = format!("Record a skill of {member_id}: {}", skill_words(&skill));
            let command = people::Command::RecordSkill {
                member_id: member_id.as_str().into(),
                skill,
                expires_on_day: None,
            };
            self.plan(line, command, text);
            changed = true;
        }
        if !changed {
            self.unchanged += 1;
        }
        Ok(())
    }

    fn partner(&mut self, line: usize, c: &[&str]) -> RowResult {
        let [id, name, kind] = c else { return Ok(()) };
        let kind = match kind.to_lowercase().replace([' ', '-'], "_").as_str() {
            "" | "other" => PartnerKind::Other,
            "donor" | "individual" => PartnerKind::Donor,
            "food_bank" | "foodbank" => PartnerKind::FoodBank,
            "business" | "shop" | "supermarket" | "company" | "store" => PartnerKind::Business,
            _ => {
                return Err(error(
                    line,
                    "kind",
                    format!(
                        "'{kind}' is not a kind of partner: donor, food bank, business or other"
                    ),
                ));
            }
        };
        let by_name = self.known.partner_by_name.get(&name.to_lowercase()).cloned();
        let partner_id = if id.is_empty() {
            by_name.unwrap_or_else(|| value::slug(name))
        } else {
            (*id).to_owned()
        };
        if partner_id.is_empty() {
            return Err(error(line, "partner", "every row needs the partner's name"));
        }
        if self.known.partners.contains(&partner_id) {
            self.unchanged += 1;
            return Ok(());
        }
        let text = format!("Register partner {name} ({})", name_of(&kind));
        let command = D::RegisterPartner {
            partner_id: partner_id.as_str().into(),
            name: (*name).to_owned(),
            kind,
        };
        self.plan(line, command, text);
        self.known.partners.insert(partner_id.clone());
        self.known.partner_by_name.insert(name.to_lowercase(), partner_id);
        Ok(())
    }

    fn household(&mut self, line: usize, c: &[&str]) -> RowResult {
        let [id, name, phone, address, notes, zone, size, language, channel] = c else {
            return Ok(());
        };
        let mut errors = Vec::new();
        let household_id = if id.is_empty() {
            format!("h-{}-{line}", &self.file_hash[..12])
        } else {
            (*id).to_owned()
        };
        let size = match *size {
            "" => 1,
            text => value::whole(text).unwrap_or_else(|m| {
                errors.extend(error(line, "size", m));
                1
            }),
        };
        if !(1..=MAX_HOUSEHOLD_SIZE).contains(&size) {
            let message = format!("'{size}' is not between 1 and {MAX_HOUSEHOLD_SIZE}");
            errors.extend(error(line, "size", message));
        }
        let channel = match channel.to_lowercase().replace([' ', '-'], "_").as_str() {
            "" | "phone" | "call" | "telephone" => ContactChannel::Phone,
            "sms" | "text" => ContactChannel::Sms,
            "whatsapp" | "signal" | "messaging" | "telegram" => ContactChannel::Messaging,
            "email" | "e_mail" | "mail" => ContactChannel::Email,
            "in_person" | "visit" | "door" => ContactChannel::InPerson,
            _ => {
                errors.extend(error(line, "contact channel", format!(
                    "'{channel}' is not a way to reach them: phone, sms, messaging, email or in person"
                )));
                ContactChannel::Phone
            }
        };
        let data = PersonalData {
            name: (*name).to_owned(),
            phone: (*phone).to_owned(),
            address: (*address).to_owned(),
            notes: (*notes).to_owned(),
        };
        // The message names the field, never its content: this is personal data.
        if let Err(message) = data.check() {
            errors.extend(error(line, "name", message));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let language = if language.is_empty() { "en" } else { language };
        let text = format!("Register household {household_id} (zone {zone}, {size} people)");
        let command = D::RegisterHousehold {
            household_id: household_id.as_str().into(),
            household_size: size,
            zone: (*zone).into(),
            preferred_language: language.to_owned(),
            contact_channel: channel,
            personal_data: None,
        };
        let personal = (data != PersonalData::default()).then_some(data);
        self.planned.push(Planned { line, command: command.into(), personal, text });
        Ok(())
    }

    /// A donation (money in) or an expense (money out) as one balanced transaction.
    fn money(&mut self, line: usize, c: &[&str], donation: bool) -> RowResult {
        let mut errors = Vec::new();
        let (date, amount, description) = (c[0], c[1], c[2]);
        let day =
            value::date(date, self.dates).map_err(|m| errors.extend(error(line, "date", m))).ok();
        if let Some(day) = day
            && day > self.known.today
        {
            errors.extend(error(line, "date", format!("'{date}' is in the future")));
        }
        let cents = match value::amount(amount) {
            Ok(cents) if cents > 0 => Some(cents),
            Ok(_) => {
                errors.extend(error(line, "amount", format!("'{amount}' must be above zero")));
                None
            }
            Err(message) => {
                errors.extend(error(line, "amount", message));
                None
            }
        };
        let (asset_column, other_column, reference) =
            if donation { (c[5], c[6], c[7]) } else { (c[4], c[3], c[5]) };
        let asset_name = if donation { "account" } else { "paid from" };
        let other_name = if donation { "income account" } else { "category" };
        let asset = self.account(line, asset_name, asset_column, AccountClass::Asset);
        let other_class = if donation { AccountClass::Income } else { AccountClass::Expense };
        let other = self.account(line, other_name, other_column, other_class);
        let public = if donation {
            value::yes_no(c[4]).map_err(|m| errors.extend(error(line, "public", m))).ok()
        } else {
            Some(false)
        };
        let (asset, other) = match (asset, other) {
            (Ok(a), Ok(o)) => (Some(a), Some(o)),
            (a, o) => {
                for e in [a.err(), o.err()].into_iter().flatten() {
                    errors.extend(e);
                }
                (None, None)
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let (Some(day), Some(cents), Some(asset), Some(other), Some(public)) =
            (day, cents, asset, other, public)
        else {
            return Ok(());
        };
        let donor_name = if donation { c[3] } else { "" };
        // The same row in another file (or twice in this one) is the same transaction; a
        // second identical row is the second such transaction.
        let identity = format!(
            "{donation}|{day}|{cents}|{description}|{donor_name}|{reference}|{asset}|{other}"
        );
        let n = self.seen.entry(identity.clone()).or_default();
        *n += 1;
        let digest = Sha256::digest(format!("{identity}|{n}").as_bytes());
        let prefix = if donation { "d" } else { "e" };
        let transaction_id = format!("{prefix}-{}", &hex::encode(digest)[..16]);
        if self.known.transactions.contains(&transaction_id) {
            self.unchanged += 1;
            return Ok(());
        }
        for (account_id, class) in [(&asset, AccountClass::Asset), (&other, other_class)] {
            if !self.known.accounts.contains_key(account_id) {
                let kind = account_kind_for(account_id, class);
                let text = format!("Open account {account_id}");
                let command = ledger::Command::OpenAccount {
                    account_id: account_id.as_str().into(),
                    name: title_case(account_id),
                    kind,
                };
                self.plan(line, command, text);
                self.known.accounts.insert(account_id.clone(), (account_id.clone(), kind));
            }
        }
        let description = if description.is_empty() {
            if donation { "Donation" } else { "Expense" }
        } else {
            description
        };
        let (debit, credit) = if donation { (&asset, &other) } else { (&other, &asset) };
        let named = donation && !donor_name.is_empty();
        let donor = named.then(|| Donor {
            public_name: public.then(|| donor_name.to_owned()),
            personal_data: None,
        });
        // A donor who did not ask to be named publicly is personal data, sealed on import.
        let personal = (named && !public)
            .then(|| PersonalData { name: donor_name.to_owned(), ..PersonalData::default() });
        let receipt = (!reference.is_empty()).then(|| reference.to_owned());
        let money = crate::csv::amount(cents);
        let waits = !donation && self.known.limits.needs_approval(cents);
        let text = format!(
            "{} {money} on {}: {description}{}",
            if donation { "Record a donation of" } else { "Record an expense of" },
            iso_date(day),
            if waits {
                " (above the approval threshold: it waits for a second member)"
            } else {
                ""
            }
        );
        let command = ledger::Command::RecordTransaction {
            transaction_id: transaction_id.as_str().into(),
            on_day: day,
            description: description.to_owned(),
            currency: self.known.currency,
            postings: vec![
                Posting { account_id: debit.as_str().into(), amount_cents: cents },
                Posting { account_id: credit.as_str().into(), amount_cents: -cents },
            ],
            receipt,
            paid_for: None,
            donor,
        };
        self.planned.push(Planned { line, command: command.into(), personal, text });
        // Above the group's threshold an expense is left for a second member to approve,
        // as the group's rule asks; below it, it was paid on its day.
        if !donation && !waits {
            let command = ledger::Command::PayExpense {
                transaction_id: transaction_id.as_str().into(),
                paid_on_day: day,
            };
            self.plan(line, command, format!("Mark {transaction_id} paid on {}", iso_date(day)));
        }
        self.known.transactions.insert(transaction_id);
        Ok(())
    }

    /// The account a cell names (by id or name), or one to open for it; blank picks the
    /// only open account of the class, or a default name.
    fn account(
        &self,
        line: usize,
        column: &str,
        text: &str,
        class: AccountClass,
    ) -> Result<String, Vec<RowError>> {
        let of_class: Vec<&String> = self
            .known
            .accounts
            .iter()
            .filter(|(_, (_, kind))| kind.class() == class)
            .map(|(id, _)| id)
            .collect();
        if text.is_empty() {
            return match (of_class.as_slice(), class) {
                ([only], _) => Ok((*only).clone()),
                ([], AccountClass::Income) => Ok("donations".to_owned()),
                ([], AccountClass::Expense) => Ok("other-expenses".to_owned()),
                ([], _) => Ok("cash".to_owned()),
                (_, AccountClass::Income) if self.known.accounts.contains_key("donations") => {
                    Ok("donations".to_owned())
                }
                _ => Err(error(
                    line,
                    column,
                    format!(
                        "say which account: {}",
                        of_class.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )),
            };
        }
        let lower = text.to_lowercase();
        if let Some((id, (_, kind))) = self
            .known
            .accounts
            .iter()
            .find(|(id, (name, _))| id.to_lowercase() == lower || name.to_lowercase() == lower)
        {
            if kind.class() != class {
                return Err(error(
                    line,
                    column,
                    format!("'{text}' is not an account of that kind"),
                ));
            }
            return Ok(id.clone());
        }
        let id = value::slug(text);
        if id.is_empty() {
            return Err(error(line, column, format!("'{text}' is not an account name")));
        }
        Ok(id)
    }
}

fn item_category(text: &str) -> Option<ItemCategory> {
    Some(match text {
        "food" | "groceries" | "grocery" | "fresh" | "dry goods" | "tins" | "canned" => {
            ItemCategory::Food
        }
        "hygiene" | "toiletries" | "sanitary" | "personal care" => ItemCategory::Hygiene,
        "medical" | "medicine" | "first aid" | "health" => ItemCategory::Medical,
        "clothing" | "clothes" => ItemCategory::Clothing,
        "equipment" | "tools" | "kit" => ItemCategory::Equipment,
        "other" | "misc" | "miscellaneous" => ItemCategory::Other,
        _ => return None,
    })
}

fn role_of(text: &str) -> Option<Role> {
    let text = text.to_lowercase();
    Role::parse(&text).or(match text.as_str() {
        "treasurer" | "finance officer" | "money" => Some(Role::Finance),
        "outreach" | "comms" | "communication" => Some(Role::Communications),
        "resource manager" | "inventory" | "stock" => Some(Role::Logistics),
        "delivery" | "drivers" => Some(Role::Driver),
        "volunteers" | "helper" | "packer" => Some(Role::Volunteer),
        "facilitator" | "organiser" | "organizer" => Some(Role::Coordinator),
        _ => None,
    })
}

fn skill_of(text: &str) -> Skill {
    match text.to_lowercase().as_str() {
        "cpr" => Skill::Cpr,
        "first aid" | "first-aid" | "firstaid" => Skill::FirstAid,
        "food hygiene" | "food safety" | "food handling" => Skill::FoodHygiene,
        "driving" | "driver" | "licence" | "license" | "driving licence" => {
            Skill::Driving { has_vehicle: false }
        }
        "car" | "van" | "own car" | "driving with car" | "has car" | "has van" => {
            Skill::Driving { has_vehicle: true }
        }
        "electrician" | "plumber" | "carpenter" | "mechanic" | "builder" => {
            Skill::Trade { trade: text.to_lowercase() }
        }
        _ => Skill::Other { name: text.to_owned() },
    }
}

fn skill_words(skill: &Skill) -> String {
    match skill {
        Skill::Language { language } => format!("speaks {language}"),
        Skill::Trade { trade } => trade.clone(),
        Skill::Other { name } => name.clone(),
        Skill::Cpr => "CPR".to_owned(),
        Skill::FirstAid => "first aid".to_owned(),
        Skill::Driving { has_vehicle: true } => "driving (with a vehicle)".to_owned(),
        Skill::Driving { has_vehicle: false } => "driving".to_owned(),
        Skill::FoodHygiene => "food hygiene".to_owned(),
    }
}

fn join_roles(roles: &[Role]) -> String {
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
}

/// A sign-in id from a name: ASCII letters and digits, `.` between words ("Ana María" is
/// "ana.mara", so the id column is better when names have accents).
fn ascii_slug(name: &str) -> String {
    let words: Vec<String> = name
        .split_whitespace()
        .map(|w| w.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    words.join(".").chars().take(48).collect()
}

/// The kind of a new account, from its name.
fn account_kind_for(id: &str, class: AccountClass) -> AccountKind {
    let has = |words: &[&str]| words.iter().any(|w| id.contains(w));
    match class {
        AccountClass::Asset if has(&["bank", "current", "savings"]) => AccountKind::Bank,
        AccountClass::Asset if has(&["paypal", "venmo", "app", "stripe", "card", "online"]) => {
            AccountKind::PaymentApp
        }
        AccountClass::Asset => AccountKind::Cash,
        AccountClass::Income if has(&["grant"]) => AccountKind::Grants,
        AccountClass::Income if has(&["donat", "gift"]) => AccountKind::Donations,
        AccountClass::Income => AccountKind::OtherIncome,
        _ if has(&["food", "grocer"]) => AccountKind::FoodPurchases,
        _ if has(&["transport", "fuel", "petrol", "travel", "van"]) => AccountKind::Transport,
        _ if has(&["reimburse"]) => AccountKind::Reimbursements,
        _ if has(&["emergency", "hardship", "microgrant"]) => AccountKind::EmergencyFund,
        _ if has(&["fee", "charge"]) => AccountKind::Fees,
        _ => AccountKind::OtherExpenses,
    }
}

fn title_case(id: &str) -> String {
    let text = id.replace(['-', '_'], " ");
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
