//! Outgoing HTTP: the `User-Agent` every request carries, and the webhook client, which
//! reaches only public addresses unless the operator allows private ones.
//!
//! A webhook's URL comes from an agency administrator, not from the operator, so by default
//! it may not point into the server's own network: loopback, private, link-local (cloud
//! metadata at 169.254.169.254), multicast and other non-public ranges are refused when the
//! webhook is registered, and again at every delivery after DNS resolution — by the
//! client's own resolver, so the connection goes to an address that was checked (a name
//! that resolved to a public address at registration and to a private one later gets
//! nothing). Redirects are not followed and no proxy from the environment is used, so
//! neither can lead the request elsewhere. A district server delivering to a gateway on its
//! own network sets `webhook_allow_private`.
//!
//! The SMS gateway and the FIRMS feed are configured by the operator and are not checked.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// `Sinergi/<version>`, sent with every outgoing request.
pub fn user_agent() -> String {
    format!("Sinergi/{}", env!("CARGO_PKG_VERSION"))
}

/// The client for operator-configured destinations (SMS gateway, FIRMS): no address check.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(user_agent())
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// The client for webhooks: checked addresses only (unless `allow_private`), no redirects,
/// no proxy.
pub fn webhook_client(allow_private: bool) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .user_agent(user_agent())
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(CheckedResolver { allow_private }))
        .build()
        .map_err(|e| format!("the webhook client cannot be built: {e}"))
}

/// Whether an address is on the public internet: not unspecified, loopback, private,
/// shared (carrier-grade NAT), link-local, multicast, broadcast, benchmarking or reserved;
/// IPv6 likewise (unique-local, link-local, site-local, multicast), and IPv4 addresses
/// carried in IPv6 (mapped, NAT64, 6to4) by the IPv4 they carry.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || a == 0
        || ip.is_loopback()
        || ip.is_private()
        || (a == 100 && (64..128).contains(&b))
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address they carry.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return is_public_v4(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ));
    }
    if s[0] == 0x2002 {
        return is_public_v4(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // IPv4-compatible (deprecated) ::a.b.c.d
        || s[..6] == [0, 0, 0, 0, 0, 0]
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0
        // discard-only 100::/64
        || s[..4] == [0x100, 0, 0, 0])
}

/// A URL's host: an address written into it, or a name to resolve.
enum Host<'u> {
    Address(IpAddr),
    Name(&'u str),
}

fn host(url: &reqwest::Url) -> Option<Host<'_>> {
    // The URL parser has already normalised addresses (`http://2130706433/` is
    // `127.0.0.1`); IPv6 ones come in brackets.
    let h = url.host_str()?;
    let bare = h
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(h);
    Some(match bare.parse::<IpAddr>() {
        Ok(ip) => Host::Address(ip),
        Err(_) => Host::Name(h),
    })
}

/// What a webhook URL's host may be, checked before it is registered: refused when it is
/// a non-public address, or a name that resolves only to such. A name that does not
/// resolve now is accepted (the server may have no DNS at the moment); every delivery
/// checks again.
pub async fn check_webhook_url(
    url: &reqwest::Url,
    allow_private: bool,
) -> Result<(), sinergi_core::Message> {
    if allow_private {
        return Ok(());
    }
    match host(url) {
        None => Err(sinergi_core::msg!(
            "webhook-url-no-host",
            "the address has no host"
        )),
        Some(Host::Address(ip)) if !is_public(ip) => Err(sinergi_core::msg!(
            "webhook-address-private",
            "{address} points into a private network (a loopback, private, link-local or multicast address); this server delivers webhooks only to public addresses (webhook_allow_private)",
            address = ip
        )),
        Some(Host::Address(_)) => Ok(()),
        Some(Host::Name(name)) => {
            let port = url.port_or_known_default().unwrap_or(443);
            match tokio::net::lookup_host((name, port)).await {
                Ok(addrs) => {
                    let addrs: Vec<SocketAddr> = addrs.collect();
                    if !addrs.is_empty() && !addrs.iter().any(|a| is_public(a.ip())) {
                        Err(sinergi_core::msg!(
                            "webhook-name-private",
                            "{name} resolves only to addresses that points into a private network (a loopback, private, link-local or multicast address); this server delivers webhooks only to public addresses (webhook_allow_private)",
                            name = name.to_string()
                        ))
                    } else {
                        Ok(())
                    }
                }
                Err(_) => Ok(()),
            }
        }
    }
}

/// The host of a URL to deliver to, if it is an address this server may not reach. The
/// resolver checks names; addresses written into the URL never reach it.
pub fn refused_address(url: &reqwest::Url, allow_private: bool) -> Option<IpAddr> {
    match host(url)? {
        Host::Address(ip) if !allow_private && !is_public(ip) => Some(ip),
        _ => None,
    }
}

/// Resolves with the system resolver and keeps only the addresses a webhook may reach;
/// none left is an error, so the request is never sent.
struct CheckedResolver {
    allow_private: bool,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let usable: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if usable.is_empty() {
                return Err(format!(
                    "{host} resolves to no public address; webhooks are not delivered into private networks (webhook_allow_private)"
                )
                .into());
            }
            let addrs: Addrs = Box::new(usable.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn private_loopback_link_local_and_multicast_are_not_public() {
        for s in [
            "127.0.0.1",
            "127.1.2.3",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.100.100.200",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "198.18.0.1",
            "240.0.0.1",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
        ] {
            assert!(!is_public(ip(s)), "{s} must not be reachable");
        }
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "203.0.113.7",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(is_public(ip(s)), "{s} is public");
        }
    }

    #[tokio::test]
    async fn registration_refuses_private_hosts_unless_allowed() {
        let url = |s: &str| reqwest::Url::parse(s).expect("url");
        for s in [
            "http://127.0.0.1:8080/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/hook",
            "https://10.0.0.5/hook",
            "http://localhost:9000/hook",
        ] {
            assert!(check_webhook_url(&url(s), false).await.is_err(), "{s}");
            assert!(check_webhook_url(&url(s), true).await.is_ok(), "{s}");
        }
        assert!(check_webhook_url(&url("https://203.0.113.7/hook"), false)
            .await
            .is_ok());
        assert_eq!(
            refused_address(&url("http://[fe80::1]:80/x"), false),
            Some(ip("fe80::1"))
        );
        assert_eq!(refused_address(&url("http://localhost/x"), false), None);
        assert_eq!(refused_address(&url("http://127.0.0.1/x"), true), None);
    }
}
