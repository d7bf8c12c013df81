//! Donated goods, valued. Goods are not money and post to no account; an estimated value
//! lets the monthly statement show goods beside cash. A wrong estimate is reversed, with a
//! reason, and the donation recorded again.

use serde::{Deserialize, Serialize};

use super::books::Ledger;
use super::event::Event;
use super::id::DonationId;
use super::money;
use super::transaction::{Donor, check_donor, past_day};
use crate::kernel::id::check_new_id;
use crate::kernel::{MemberId, Rejection, field, id::PartnerId};
use crate::limits::GroupLimits;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoodsDonation {
    pub donation_id: DonationId,
    pub on_day: i64,
    pub description: String,
    pub estimated_value_cents: i64,
    pub partner_id: Option<PartnerId>,
    pub donor_public_name: Option<String>,
    pub recorded_by: MemberId,
    pub recorded_position: u64,
    /// When it was reversed: the day, the reason, and the reversing event's position.
    pub reversed: Option<GoodsReversal>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoodsReversal {
    pub on_day: i64,
    pub reason: String,
    pub position: u64,
}

/// A `RecordGoodsDonation` command's fields.
pub(crate) struct NewDonation<'a> {
    pub donation_id: &'a DonationId,
    pub on_day: i64,
    pub description: &'a str,
    pub estimated_value_cents: i64,
    pub partner_id: Option<&'a PartnerId>,
    pub donor: Option<&'a Donor>,
}

pub(crate) fn record(
    ledger: &Ledger,
    limits: &GroupLimits,
    today: i64,
    recorded_by: &MemberId,
    new: NewDonation<'_>,
) -> Result<Vec<Event>, Rejection> {
    check_new_id("donation_id", new.donation_id.as_str())?;
    if ledger.goods_donation(new.donation_id.as_str()).is_some() {
        return Err(Rejection::exists("donation", new.donation_id.as_str()));
    }
    past_day("on_day", new.on_day, 0, today)?;
    field::name("description", new.description)?;
    money::positive("estimated_value_cents", new.estimated_value_cents)?;
    if let Some(donor) = new.donor {
        check_donor(donor)?;
    }
    Ok(vec![Event::GoodsDonationRecorded {
        donation_id: new.donation_id.clone(),
        on_day: new.on_day,
        description: new.description.trim().to_owned(),
        estimated_value_cents: new.estimated_value_cents,
        currency: limits.currency,
        partner_id: new.partner_id.cloned(),
        donor: new.donor.cloned(),
        recorded_by: recorded_by.clone(),
    }])
}

pub(crate) fn reverse(
    ledger: &Ledger,
    today: i64,
    donation_id: &DonationId,
    on_day: i64,
    reason: &str,
) -> Result<Vec<Event>, Rejection> {
    let donation = ledger
        .goods_donation(donation_id.as_str())
        .ok_or_else(|| Rejection::unknown("donation", donation_id.as_str()))?;
    if donation.reversed.is_some() {
        return Err(Rejection::wrong_stage("the donation is already reversed"));
    }
    past_day("on_day", on_day, donation.on_day, today)?;
    field::reason("reason", reason)?;
    Ok(vec![Event::GoodsDonationReversed {
        donation_id: donation_id.clone(),
        on_day,
        estimated_value_cents: donation.estimated_value_cents,
        reason: reason.to_owned(),
    }])
}
