//! The `Host` rule: a server on loopback answers only to loopback names with its own port, so
//! a page whose name was re-pointed at 127.0.0.1 (DNS rebinding) cannot read the preview; a
//! server opened to other machines answers to any name.

use std::net::SocketAddr;
use std::sync::Arc;

use folio::serve::{self, Shared};

use crate::client::{Reply, request_as};
use crate::{HOME, site, start};

fn get_with(addr: SocketAddr, target: &str, version: &str, headers: &[String]) -> Reply {
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    request_as(addr, "GET", target, version, &headers)
}

fn with_host(addr: SocketAddr, target: &str, host: &str) -> Reply {
    get_with(addr, target, "HTTP/1.1", &[format!("Host: {host}")])
}

#[test]
fn loopback_names_with_the_served_port_are_answered() {
    let (server, _) = start(site());
    let port = server.addr.port();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let reply = with_host(server.addr, "/", &host);
        assert_eq!(reply.status, 200, "{host}");
        assert!(reply.text().contains("<h1>Home</h1>"), "{host}");
    }
    server.shutdown();
}

#[test]
fn other_names_and_ports_get_403_on_every_path() {
    let (server, _) = start(site());
    let port = server.addr.port();
    let hosts = [
        format!("attacker.example:{port}"),
        format!("127.0.0.1.attacker.example:{port}"),
        format!("localhost.attacker.example:{port}"),
        format!("192.168.1.20:{port}"),
        format!("localhost:{}", port.wrapping_add(1)),
        "localhost".to_owned(),
        String::new(),
    ];
    for host in &hosts {
        for target in [
            "/",
            "/style.css",
            "/__folio/livereload.js",
            "/__folio/events",
        ] {
            let reply = with_host(server.addr, target, host);
            assert_eq!(reply.status, 403, "{host} {target}");
            assert!(!reply.text().contains("Home"), "{host} {target}");
            assert!(
                reply.text().contains(&format!(
                    "http://127.0.0.1:{port}/ and http://localhost:{port}/"
                )),
                "{host} {target}: {}",
                reply.text()
            );
        }
    }
    server.shutdown();
}

#[test]
fn only_http_1_0_may_leave_host_out_and_none_may_send_two() {
    let (server, _) = start(site());
    let reply = get_with(server.addr, "/", "HTTP/1.0", &[]);
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .text()
            .starts_with(&HOME[..HOME.len() - "</body></html>".len()])
    );
    assert_eq!(get_with(server.addr, "/", "HTTP/1.1", &[]).status, 400);
    let two = [
        format!("Host: {}", server.addr),
        "Host: attacker.example".to_owned(),
    ];
    assert_eq!(get_with(server.addr, "/", "HTTP/1.1", &two).status, 400);
    server.shutdown();
}

#[test]
fn an_ipv6_loopback_server_checks_names_too() {
    let shared = Arc::new(Shared::new(site()));
    let bind: SocketAddr = "[::1]:0".parse().expect("an address");
    let server = serve::start(bind, shared).expect("a server on [::1]");
    let port = server.addr.port();
    assert_eq!(
        with_host(server.addr, "/", &format!("[::1]:{port}")).status,
        200
    );
    assert_eq!(
        with_host(server.addr, "/", &format!("localhost:{port}")).status,
        200
    );
    let rebound = with_host(server.addr, "/", &format!("attacker.example:{port}"));
    assert_eq!(rebound.status, 403);
    server.shutdown();
}

#[test]
fn a_server_opened_to_other_machines_answers_any_name() {
    let shared = Arc::new(Shared::new(site()));
    let bind: SocketAddr = "0.0.0.0:0".parse().expect("an address");
    let server = serve::start(bind, shared).expect("a server on all interfaces");
    // Reached over loopback only; the name is what another machine would use.
    let loopback = SocketAddr::from(([127, 0, 0, 1], server.addr.port()));
    let host = format!("my-laptop.local:{}", server.addr.port());
    assert_eq!(with_host(loopback, "/", &host).status, 200);
    server.shutdown();
}
