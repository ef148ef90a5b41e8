//! Discord's limits, from its API documentation. The tests check replies against a table of
//! their own (tests/support/discord_limits.rs), so a wrong number here is caught.

pub const CONTENT: usize = 2000;
pub const TITLE: usize = 256;
pub const DESCRIPTION: usize = 4096;
pub const FIELDS: usize = 25;
pub const FIELD_NAME: usize = 256;
pub const FIELD_VALUE: usize = 1024;
pub const FOOTER: usize = 2048;
pub const AUTHOR: usize = 256;
pub const EMBED_TOTAL: usize = 6000;
pub const BUTTON_LABEL: usize = 80;
pub const CUSTOM_ID: usize = 100;
pub const BUTTONS_PER_ROW: usize = 5;
pub const ROWS: usize = 5;
pub const CHOICES: usize = 25;
pub const CHOICE_NAME: usize = 100;
pub const CHOICE_VALUE: usize = 100;
/// A slash command's or option's description.
pub const DESCRIPTION_OF_COMMAND: usize = 100;
