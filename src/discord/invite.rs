//! `talks-bot invite`: the URL that adds the bot to a server, with the scopes and permissions
//! it needs. The application id comes from `--client-id`, or from the token, whose first part
//! is the bot's user id in base64 (for a bot, the same number as its application id).

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use poise::serenity_prelude::Permissions;

use crate::config::Secret;

/// The OAuth2 scopes: the bot user, and its slash commands.
pub const SCOPES: &str = "bot+applications.commands";

/// What the bot needs in a channel: see it, read the message it replies to, answer (in threads
/// too) with embeds and link buttons, and react ⏳ to a member over the cooldown.
pub fn permissions() -> Permissions {
    Permissions::VIEW_CHANNEL
        | Permissions::SEND_MESSAGES
        | Permissions::SEND_MESSAGES_IN_THREADS
        | Permissions::EMBED_LINKS
        | Permissions::READ_MESSAGE_HISTORY
        | Permissions::ADD_REACTIONS
}

/// The invite URL for application `client_id`.
pub fn url(client_id: u64) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={client_id}&scope={SCOPES}&permissions={}",
        permissions().bits()
    )
}

/// The application id a bot token belongs to; `None` if the token does not have the shape of
/// one (three parts separated by dots, the first a number in base64).
pub fn client_id(token: &Secret) -> Option<u64> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let first = token.expose().trim().split('.').next()?;
    // Tokens use the standard alphabet; the URL-safe one differs only in two letters.
    let first = first.replace('+', "-").replace('/', "_");
    let bytes = LENIENT.decode(first).ok()?;
    std::str::from_utf8(&bytes)
        .ok()?
        .parse()
        .ok()
        .filter(|&id| id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_id_is_read_from_the_token() {
        // "123456789012345678" in base64, then two made-up parts.
        let token = Secret::new("MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.not-a-real-signature");
        assert_eq!(client_id(&token), Some(123_456_789_012_345_678));
        assert_eq!(
            client_id(&Secret::new("MTIzNDU2Nzg5MDEyMzQ1Njc4")),
            Some(123_456_789_012_345_678)
        );
        assert_eq!(client_id(&Secret::new("not a token")), None);
        assert_eq!(client_id(&Secret::new("")), None);
    }

    #[test]
    fn the_url_has_both_scopes_and_the_permissions() {
        let url = url(42);
        assert!(
            url.starts_with("https://discord.com/oauth2/authorize?client_id=42&"),
            "{url}"
        );
        assert!(url.contains("scope=bot+applications.commands"), "{url}");
        // View Channels, Send Messages, in threads, Embed Links, Read Message History,
        // Add Reactions: 2^10 + 2^11 + 2^38 + 2^14 + 2^16 + 2^6.
        assert!(url.ends_with("&permissions=274877992000"), "{url}");
    }
}
