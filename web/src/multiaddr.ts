// The HTTP(S) endpoint a masternode registers beside its libp2p addresses, as a multiaddr
// (`/ip4/127.0.0.1/tcp/8080/http`, `/dns4/mn.example.org/tcp/443/https`): its URL base.

const PATTERN = /^\/(ip4|ip6|dns|dns4|dns6)\/([^/]+)\/tcp\/(\d+)\/(http|https|tls\/http)$/;

export function httpUrl(multiaddr: string): string | null {
  const m = PATTERN.exec(multiaddr);
  if (!m) return null;
  const [, kind, host, port, proto] = m;
  const scheme = proto === "http" ? "http" : "https";
  const name = kind === "ip6" ? `[${host}]` : host;
  const standard = (scheme === "http" && port === "80") || (scheme === "https" && port === "443");
  return `${scheme}://${name}${standard ? "" : `:${port}`}`;
}
