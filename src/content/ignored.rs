//! The names of files editors and operating systems leave behind. Shared with `build.rs`
//! (which embeds the default theme without them), so both skip the same files.

/// Files editors and operating systems leave behind: never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.starts_with("~$")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}
