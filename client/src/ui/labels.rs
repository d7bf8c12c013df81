//! The translation key of each value the domain names: stages, urgencies, reasons, account
//! kinds, transaction states. Kept apart from the screens so a test can check every variant
//! has its words in every language.

use shared::distribution::{
    AdjustmentReason, ContactChannel, DeliveryKind, DeliveryStatus, FailureReason, FeedbackFrom,
    NeedCategory, Stage, Urgency,
};
use shared::ledger::{AccountKind, TransactionStatus};

pub fn stage(stage: Stage) -> &'static str {
    match stage {
        Stage::Logged => "stage.logged",
        Stage::AwaitingStock => "stage.awaiting_stock",
        Stage::Checked => "stage.checked",
        Stage::Reserved => "stage.reserved",
        Stage::Scheduled => "stage.scheduled",
        Stage::Confirmed => "stage.confirmed",
        Stage::OutForDelivery => "stage.out_for_delivery",
        Stage::Failed => "stage.failed",
        Stage::Delivered => "stage.delivered",
        Stage::Cancelled => "stage.cancelled",
    }
}

/// A stable, language-free name for test ids and CSS: `awaiting-stock`.
pub fn stage_slug(stage: Stage) -> String {
    self::stage(stage).trim_start_matches("stage.").replace('_', "-")
}

pub fn urgency(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Routine => "urgency.routine",
        Urgency::Soon => "urgency.soon",
        Urgency::Urgent => "urgency.urgent",
    }
}

pub const URGENCIES: [Urgency; 3] = [Urgency::Routine, Urgency::Soon, Urgency::Urgent];

pub fn need(need: NeedCategory) -> &'static str {
    match need {
        NeedCategory::Food => "need.food",
        NeedCategory::Hygiene => "need.hygiene",
        NeedCategory::Medical => "need.medical",
        NeedCategory::Clothing => "need.clothing",
        NeedCategory::Equipment => "need.equipment",
        NeedCategory::Transport => "need.transport",
        NeedCategory::Other => "need.other",
    }
}

pub const NEEDS: [NeedCategory; 7] = [
    NeedCategory::Food,
    NeedCategory::Hygiene,
    NeedCategory::Medical,
    NeedCategory::Clothing,
    NeedCategory::Equipment,
    NeedCategory::Transport,
    NeedCategory::Other,
];

pub fn channel(channel: ContactChannel) -> &'static str {
    match channel {
        ContactChannel::Phone => "channel.phone",
        ContactChannel::Sms => "channel.sms",
        ContactChannel::Messaging => "channel.messaging",
        ContactChannel::Email => "channel.email",
        ContactChannel::InPerson => "channel.in_person",
    }
}

pub const CHANNELS: [ContactChannel; 5] = [
    ContactChannel::Phone,
    ContactChannel::Sms,
    ContactChannel::Messaging,
    ContactChannel::Email,
    ContactChannel::InPerson,
];

pub fn failure(reason: FailureReason) -> &'static str {
    match reason {
        FailureReason::NobodyHome => "failure.nobody_home",
        FailureReason::WrongAddress => "failure.wrong_address",
        FailureReason::Refused => "failure.refused",
        FailureReason::Other => "failure.other",
    }
}

pub const FAILURES: [FailureReason; 4] = [
    FailureReason::NobodyHome,
    FailureReason::WrongAddress,
    FailureReason::Refused,
    FailureReason::Other,
];

pub fn adjustment(reason: AdjustmentReason) -> &'static str {
    match reason {
        AdjustmentReason::CountCorrection => "adjust.count_correction",
        AdjustmentReason::Spoilage => "adjust.spoilage",
        AdjustmentReason::Expiry => "adjust.expiry",
    }
}

pub const ADJUSTMENTS: [AdjustmentReason; 3] =
    [AdjustmentReason::CountCorrection, AdjustmentReason::Spoilage, AdjustmentReason::Expiry];

pub fn delivery_status(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Scheduled => "delivery.scheduled",
        DeliveryStatus::Assigned => "delivery.assigned",
        DeliveryStatus::OutForDelivery => "delivery.out",
        DeliveryStatus::Completed => "delivery.completed",
        DeliveryStatus::Failed => "delivery.failed",
        DeliveryStatus::Cancelled => "delivery.cancelled",
    }
}

pub fn delivery_kind(kind: DeliveryKind) -> &'static str {
    match kind {
        DeliveryKind::Delivery => "kind.delivery",
        DeliveryKind::Pickup => "kind.pickup",
    }
}

pub fn feedback_from(from: FeedbackFrom) -> &'static str {
    match from {
        FeedbackFrom::Household => "feedback.from_household",
        FeedbackFrom::Volunteer => "feedback.from_volunteer",
    }
}

pub fn account_kind(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Cash => "account.cash",
        AccountKind::Bank => "account.bank",
        AccountKind::PaymentApp => "account.payment_app",
        AccountKind::Donations => "account.donations",
        AccountKind::Grants => "account.grants",
        AccountKind::OtherIncome => "account.other_income",
        AccountKind::FoodPurchases => "account.food_purchases",
        AccountKind::Transport => "account.transport",
        AccountKind::Reimbursements => "account.reimbursements",
        AccountKind::EmergencyFund => "account.emergency_fund",
        AccountKind::Fees => "account.fees",
        AccountKind::OtherExpenses => "account.other_expenses",
        AccountKind::Payable => "account.payable",
        AccountKind::OpeningBalances => "account.opening_balances",
    }
}

pub fn transaction_status(status: &TransactionStatus) -> &'static str {
    match status {
        TransactionStatus::Posted => "ledger.posted",
        TransactionStatus::AwaitingPayment => "ledger.awaiting_payment",
        TransactionStatus::Paid { .. } => "ledger.paid",
        TransactionStatus::Declined { .. } => "ledger.declined",
    }
}

/// A stable, language-free name of a transaction's state: `awaiting_payment`.
pub fn transaction_slug(status: &TransactionStatus) -> &'static str {
    transaction_status(status).trim_start_matches("ledger.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_value_has_words_in_every_language() {
        crate::i18n::loaded();
        let mut keys: Vec<&str> = Vec::new();
        keys.extend(
            Stage::OPEN.iter().chain(&[Stage::Delivered, Stage::Cancelled]).map(|s| stage(*s)),
        );
        keys.extend(URGENCIES.map(urgency));
        keys.extend(NEEDS.map(need));
        keys.extend(CHANNELS.map(channel));
        keys.extend(FAILURES.map(failure));
        keys.extend(ADJUSTMENTS.map(adjustment));
        keys.extend(
            [
                DeliveryStatus::Scheduled,
                DeliveryStatus::Assigned,
                DeliveryStatus::OutForDelivery,
                DeliveryStatus::Completed,
                DeliveryStatus::Failed,
                DeliveryStatus::Cancelled,
            ]
            .map(delivery_status),
        );
        keys.extend([DeliveryKind::Delivery, DeliveryKind::Pickup].map(delivery_kind));
        keys.extend([FeedbackFrom::Household, FeedbackFrom::Volunteer].map(feedback_from));
        keys.extend(AccountKind::ALL.map(account_kind));
        let statuses = [
            TransactionStatus::Posted,
            TransactionStatus::AwaitingPayment,
            TransactionStatus::Paid { paid_on_day: 0, paid_by: "a".into() },
            TransactionStatus::Declined { declined_by: "a".into(), reason: String::new() },
        ];
        keys.extend(statuses.iter().map(transaction_status));
        for lang in Lang::ALL {
            for key in &keys {
                assert!(!lang.text(key).is_empty(), "{}: no words for {key}", lang.tag());
            }
        }
        assert_eq!(stage_slug(Stage::AwaitingStock), "awaiting-stock");
    }
}
