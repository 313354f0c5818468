//! The `Host` rule in the real `folio serve --port 0`, bound to 127.0.0.1 by default: a page
//! whose own name was re-pointed at 127.0.0.1 (DNS rebinding) gets 403 for every path, live
//! reload included, while the addresses the server prints and `localhost` are served.

use crate::client::{Reply, send_raw};
use crate::server::Server;
use crate::small_site;

fn get_as(server: &Server, host: &str, target: &str) -> Reply {
    let request = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    send_raw(server.addr, request.as_bytes()).expect("an answer")
}

#[test]
fn folio_serve_answers_only_to_its_own_addresses() {
    let site = small_site();
    let mut server = Server::start(site.root());
    let port = server.addr.port();
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        for target in ["/", "/atom.xml", "/__folio/livereload.js"] {
            let reply = get_as(&server, &host, target);
            assert_eq!(reply.status, 200, "{host} {target}");
        }
    }
    for host in [
        format!("rebound.attacker.example:{port}"),
        format!("localhost:{}", port.wrapping_add(1)),
    ] {
        for target in [
            "/",
            "/atom.xml",
            "/__folio/livereload.js",
            "/__folio/events",
        ] {
            let reply = get_as(&server, &host, target);
            assert_eq!(reply.status, 403, "{host} {target}");
            assert!(!reply.text().contains("<html"), "{host} {target}");
        }
    }
    server.assert_healthy();
}
