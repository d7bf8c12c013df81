//! Which command, without its fields: every part's command kinds joined into one
//! [`CommandKind`], the key of the access table ([`crate::access::roles_for`]) and of the
//! sealing table ([`crate::personal::sealing`]). Each part's kinds are generated from its
//! command enum (`kernel::named_variants!`), so a new command is a new kind with nothing
//! else to write, and the tables keyed by it are exhaustive matches: a command without
//! roles or a sealing declaration does not compile.

use crate::{distribution, ledger, limits, members, people, standing};

/// One kind of command of the whole group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommandKind {
    Distribution(distribution::CommandKind),
    Members(members::CommandKind),
    People(people::CommandKind),
    Ledger(ledger::CommandKind),
    Limits(limits::CommandKind),
    Standing(standing::CommandKind),
}

impl CommandKind {
    /// Every kind, part by part (in the order of [`crate::access::COMMAND_TYPES`]).
    pub fn all() -> impl Iterator<Item = CommandKind> {
        let distribution = distribution::CommandKind::ALL.iter().map(|k| Self::Distribution(*k));
        let members = members::CommandKind::ALL.iter().map(|k| Self::Members(*k));
        let people = people::CommandKind::ALL.iter().map(|k| Self::People(*k));
        let ledger = ledger::CommandKind::ALL.iter().map(|k| Self::Ledger(*k));
        let limits = limits::CommandKind::ALL.iter().map(|k| Self::Limits(*k));
        let standing = standing::CommandKind::ALL.iter().map(|k| Self::Standing(*k));
        distribution.chain(members).chain(limits).chain(people).chain(ledger).chain(standing)
    }

    /// The type name, as written in a command's `type` tag.
    pub fn name(self) -> &'static str {
        match self {
            Self::Distribution(kind) => kind.name(),
            Self::Members(kind) => kind.name(),
            Self::People(kind) => kind.name(),
            Self::Ledger(kind) => kind.name(),
            Self::Limits(kind) => kind.name(),
            Self::Standing(kind) => kind.name(),
        }
    }

    /// The kind named `name` (a `type` tag), if there is one.
    pub fn from_name(name: &str) -> Option<CommandKind> {
        Self::all().find(|kind| kind.name() == name)
    }

    /// Whether members send it. `RecordContactView` is the server's own: the contact
    /// route sends it, and `POST /api/commands` does not know it.
    pub fn is_sent_by_members(self) -> bool {
        self != Self::Distribution(distribution::CommandKind::RecordContactView)
    }
}

macro_rules! from_part {
    ($($part:ident => $variant:ident),*) => {
        $(impl From<$part::CommandKind> for CommandKind {
            fn from(kind: $part::CommandKind) -> CommandKind {
                CommandKind::$variant(kind)
            }
        })*
    };
}

from_part!(distribution => Distribution, members => Members, people => People,
    ledger => Ledger, limits => Limits, standing => Standing);

impl std::fmt::Display for CommandKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_name_and_is_found_by_it() {
        let kinds: Vec<CommandKind> = CommandKind::all().collect();
        let mut names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
        for kind in &kinds {
            assert_eq!(CommandKind::from_name(kind.name()), Some(*kind));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), kinds.len(), "two parts name a command alike");
        assert_eq!(CommandKind::from_name("DropTables"), None);
    }

    /// Adding a command: the access table must give it roles (it does not compile without
    /// an entry), and whatever carries personal data must be a command members send.
    #[test]
    fn every_kind_members_send_has_roles_and_the_servers_own_has_none() {
        for kind in CommandKind::all() {
            let roles = crate::access::roles_for(kind);
            assert_eq!(roles.is_empty(), !kind.is_sent_by_members(), "{kind}: {roles:?}");
        }
        let sent: Vec<&str> =
            CommandKind::all().filter(|k| k.is_sent_by_members()).map(CommandKind::name).collect();
        assert_eq!(sent, crate::access::COMMAND_TYPES);
        let sealed: Vec<&str> = CommandKind::all()
            .filter(|kind| crate::personal::sealing(*kind).is_some())
            .map(CommandKind::name)
            .collect();
        assert!(sealed.iter().all(|name| crate::access::COMMAND_TYPES.contains(name)));
    }
}
