//! What the kernel says about a running `folio` process (Linux `/proc`): for tests that
//! check a server stopped working on something, not only that it answered.

use std::fs;

/// `/proc/PID/stat`'s user + system time of a process, in clock ticks.
pub fn cpu_ticks(pid: u32) -> u64 {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc/PID/stat");
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    // After the command name: state is field 3, utime and stime fields 14 and 15.
    let field = |i: usize| -> u64 {
        fields
            .get(i)
            .and_then(|f| f.parse().ok())
            .unwrap_or_else(|| panic!("no number at field {} of /proc/{pid}/stat: {stat}", i + 3))
    };
    field(11) + field(12)
}
