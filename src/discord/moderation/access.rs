//! Who may moderate: the one rule every `/fact` command, form, button and autocomplete asks.
//!
//! - With `[discord] moderation_guilds` set, moderation happens only in those servers: anything
//!   from another server (or a DM) is refused whatever the member's permissions, even
//!   Administrator. There, Manage Server (or Administrator) or a moderator role grants it.
//! - With it empty, the bot may be in servers its operators do not run, so a permission there
//!   means nothing: only a role from `moderator_roles` grants moderation (role ids are unique
//!   across Discord, so another server cannot hand out the same role).

use poise::serenity_prelude as serenity;
use serenity::Permissions;

use crate::config::DiscordConfig;

/// What a member without the right role or permission is told.
pub const REFUSAL: &str =
    "Only moderators can do that: members with a moderator role or the Manage Server permission in the bot's own server.";

/// Whether the member of an interaction from `guild` may change facts. Outside a server there
/// is no member: no.
pub fn may_moderate(
    member: Option<&serenity::Member>,
    guild: Option<serenity::GuildId>,
    config: &DiscordConfig,
) -> bool {
    let (Some(member), Some(guild)) = (member, guild) else {
        return false;
    };
    let has_role = member
        .roles
        .iter()
        .any(|role| config.moderator_roles.contains(&role.get()));
    if config.moderation_guilds.is_empty() {
        return has_role;
    }
    config.moderation_guilds.contains(&guild.get())
        && (has_role
            || member.permissions.is_some_and(|p| {
                p.intersects(Permissions::MANAGE_GUILD | Permissions::ADMINISTRATOR)
            }))
}

/// The warning `serve` logs at start-up when `moderation_guilds` is empty, or None.
pub fn startup_warning(config: &DiscordConfig) -> Option<&'static str> {
    config.moderation_guilds.is_empty().then_some(
        "[discord] moderation_guilds is empty: /fact is registered wherever the bot is, and only \
         members with one of moderator_roles may moderate (Manage Server grants nothing); set \
         moderation_guilds to the bot's own servers",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use poise::serenity_prelude::{GuildId, Member};

    fn member(permissions: Option<Permissions>, roles: &[u64]) -> Member {
        let mut value = serde_json::json!({
            "user": {"id": "5", "username": "m", "discriminator": "0", "global_name": null, "avatar": null},
            "roles": roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0,
            "guild_id": "3000",
        });
        if let Some(p) = permissions {
            value["permissions"] = serde_json::json!(p.bits().to_string());
        }
        serde_json::from_value(value).unwrap()
    }

    fn config(guilds: &[u64], roles: &[u64]) -> DiscordConfig {
        DiscordConfig {
            moderation_guilds: guilds.to_vec(),
            moderator_roles: roles.to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn in_the_home_server_a_role_or_manage_server_grants_moderation() {
        let home = Some(GuildId::new(3000));
        let c = config(&[3000], &[77]);
        assert!(!may_moderate(None, home, &c), "no member: a DM");
        assert!(!may_moderate(Some(&member(None, &[])), None, &c));
        assert!(!may_moderate(Some(&member(None, &[])), home, &c));
        assert!(!may_moderate(
            Some(&member(
                Some(Permissions::SEND_MESSAGES | Permissions::MANAGE_MESSAGES),
                &[1]
            )),
            home,
            &c
        ));
        assert!(may_moderate(Some(&member(None, &[1, 77])), home, &c));
        assert!(may_moderate(
            Some(&member(Some(Permissions::MANAGE_GUILD), &[])),
            home,
            &c
        ));
        assert!(may_moderate(
            Some(&member(Some(Permissions::ADMINISTRATOR), &[])),
            home,
            &c
        ));
    }

    #[test]
    fn another_server_is_refused_even_for_its_administrators_and_roles() {
        let other = Some(GuildId::new(9999));
        let c = config(&[3000], &[77]);
        assert!(!may_moderate(
            Some(&member(Some(Permissions::ADMINISTRATOR), &[77])),
            other,
            &c
        ));
    }

    #[test]
    fn without_home_servers_only_moderator_roles_count() {
        let anywhere = Some(GuildId::new(9999));
        let c = config(&[], &[77]);
        assert!(!may_moderate(
            Some(&member(Some(Permissions::ADMINISTRATOR), &[])),
            anywhere,
            &c
        ));
        assert!(!may_moderate(
            Some(&member(Some(Permissions::MANAGE_GUILD), &[])),
            anywhere,
            &c
        ));
        assert!(may_moderate(Some(&member(None, &[77])), anywhere, &c));
        assert!(!may_moderate(
            Some(&member(None, &[77])),
            anywhere,
            &config(&[], &[])
        ));
        assert!(startup_warning(&c).unwrap().contains("moderation_guilds"));
        assert!(startup_warning(&config(&[1], &[])).is_none());
    }
}
