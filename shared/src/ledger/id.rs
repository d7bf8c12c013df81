//! Identifiers of the ledger, chosen by the caller like every other new id.

use crate::kernel::id::id_type;

id_type!(
    /// An account in the group's chart: "cash", "bank", "paypal", "donations", "food".
    AccountId
);
id_type!(
    /// One double-entry transaction, or a reversal of one.
    TransactionId
);
id_type!(
    /// A grant the group applied for.
    GrantId
);
id_type!(
    /// A donation of goods valued in money (cash donations are transactions).
    DonationId
);
