//! The `Host` rule. A preview listening on loopback answers only requests addressed to it by a
//! loopback name (`localhost`, `127.0.0.1`, `[::1]`) with its own port: a web page whose own
//! name an attacker re-pointed at 127.0.0.1 (DNS rebinding) then gets 403 and cannot read
//! drafts. A preview opened to other machines with `--bind` takes any name.

use std::net::{IpAddr, SocketAddr};

/// Which `Host` header values the server accepts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HostRule {
    port: u16,
    loopback_only: bool,
}

impl HostRule {
    /// The rule for a server listening on `addr` (its real port, not 0).
    pub(crate) fn for_listener(addr: SocketAddr) -> Self {
        HostRule {
            port: addr.port(),
            loopback_only: addr.ip().is_loopback(),
        }
    }

    /// True when a request with `Host: value` may be answered.
    pub(crate) fn allows(&self, value: &str) -> bool {
        if !self.loopback_only {
            return true;
        }
        let Some((name, port)) = split_host(value.trim()) else {
            return false;
        };
        // No port means the scheme's default, 80.
        let port_matches = match port {
            None => self.port == 80,
            Some(port) => port.parse::<u16>() == Ok(self.port),
        };
        port_matches && is_loopback_name(name)
    }

    /// The addresses to name in the 403 answer.
    pub(crate) fn refusal(&self) -> String {
        let port = self.port;
        format!(
            "Forbidden: this preview answers only to http://127.0.0.1:{port}/ and \
             http://localhost:{port}/ (the Host header named another address). To reach it \
             from other machines, start it with --bind.\n"
        )
    }
}

/// `name` and the port text of a Host value: `name`, `name:port`, `[v6]` or `[v6]:port`.
/// The brackets stay on an IPv6 name.
fn split_host(value: &str) -> Option<(&str, Option<&str>)> {
    let (name, rest) = if value.starts_with('[') {
        let end = value.find(']')? + 1;
        value.split_at(end)
    } else {
        match value.find(':') {
            Some(at) => value.split_at(at),
            None => (value, ""),
        }
    };
    match rest.strip_prefix(':') {
        _ if rest.is_empty() => Some((name, None)),
        Some(port) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            Some((name, Some(port)))
        }
        _ => None,
    }
}

/// `localhost` in any case, or a loopback IP literal (IPv6 in brackets).
fn is_loopback_name(name: &str) -> bool {
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let literal = match name.strip_prefix('[') {
        Some(inner) => inner.strip_suffix(']').and_then(|v6| v6.parse().ok()),
        // Only a dotted IPv4 address; a bare IPv6 address needs its brackets.
        None => name.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4),
    };
    literal.is_some_and(|ip: IpAddr| ip.to_canonical().is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(addr: &str) -> HostRule {
        HostRule::for_listener(addr.parse().expect("a socket address"))
    }

    #[test]
    fn loopback_names_with_the_served_port_are_allowed() {
        let rule = rule("127.0.0.1:4000");
        for host in [
            "127.0.0.1:4000",
            "localhost:4000",
            "LocalHost:4000",
            "[::1]:4000",
            "127.1.2.3:4000",
            "[::ffff:127.0.0.1]:4000",
        ] {
            assert!(rule.allows(host), "{host}");
        }
    }

    #[test]
    fn other_names_wrong_ports_and_odd_forms_are_refused() {
        let rule = rule("127.0.0.1:4000");
        for host in [
            "evil.example:4000",
            "localhost.evil.example:4000",
            "localhost.:4000",
            "127.0.0.1.nip.io:4000",
            "192.168.1.5:4000",
            "[2001:db8::1]:4000",
            "::1:4000",
            "localhost:4001",
            "localhost",
            "localhost:",
            "localhost:40a0",
            "localhost:4000:4000",
            "[::1]4000",
            "[::1",
            "",
        ] {
            assert!(!rule.allows(host), "{host}");
        }
    }

    #[test]
    fn no_port_means_port_80() {
        assert!(rule("127.0.0.1:80").allows("localhost"));
        assert!(rule("[::1]:80").allows("[::1]"));
        assert!(!rule("[::1]:80").allows("evil.example"));
    }

    #[test]
    fn a_server_opened_to_other_machines_takes_any_name() {
        for addr in ["0.0.0.0:4000", "[::]:4000", "192.168.1.5:4000"] {
            assert!(rule(addr).allows("my-laptop.local:4000"), "{addr}");
        }
    }

    #[test]
    fn an_ipv6_loopback_server_checks_names_too() {
        let rule = rule("[::1]:4000");
        assert!(rule.allows("[::1]:4000"));
        assert!(rule.allows("localhost:4000"));
        assert!(!rule.allows("rebound.example:4000"));
    }
}
