import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP } from 'node:net';
import { AgentError } from '../agent';
import { inCidr, isCidr, restrictedRange } from './ip-ranges';

/** What the operator lets agents reach besides the public internet (SSRF guard). */
export interface NetworkPolicy {
  /** `CHAINMAIL_AGENT_ALLOW_PRIVATE=true`: loopback, private and link-local addresses are allowed too. */
  allowPrivate: boolean;
  /**
   * `CHAINMAIL_AGENT_ALLOWED_HOSTS`: host names (`ollama.internal`, `*.corp.example`) reached
   * whatever they resolve to, and addresses or CIDRs (`10.0.0.0/8`, `fd00::/8`) allowed anyway.
   */
  allowedHosts: readonly string[];
  /**
   * Exact origins (`http://127.0.0.1:11434`) the operator configured as endpoints
   * (`CHAINMAIL_MODEL_URL`): reached without address checks, and only on that port.
   */
  allowedOrigins?: readonly string[];
}

export const PUBLIC_ONLY: NetworkPolicy = { allowPrivate: false, allowedHosts: [] };

type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** Signature of the `lookup` option of `net.connect` / `http.request`. */
export type ConnectLookup = (
  hostname: string,
  options: { family?: number | string; all?: boolean; hints?: number },
  callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/**
 * Decides which addresses an agent may connect to and hands `http.request` a `lookup` that
 * resolves, checks and returns the checked addresses, so the connection goes to an address that
 * was checked (no second resolution in between: DNS rebinding cannot slip past).
 */
export class OutboundGuard {
  private readonly names: string[];
  private readonly cidrs: string[];

  constructor(
    private readonly policy: NetworkPolicy,
    private readonly resolve: Resolver = dnsLookup as Resolver,
  ) {
    const entries = policy.allowedHosts.map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
    this.cidrs = entries.filter(isCidr);
    this.names = entries.filter((h) => !isCidr(h));
  }

  /** The operator configured this exact endpoint (scheme, host and port). */
  originAllowed(url: URL): boolean {
    return (this.policy.allowedOrigins ?? []).includes(url.origin);
  }

  /** The operator named this host: it is reached whatever it resolves to. */
  hostAllowed(hostname: string): boolean {
    const host = bare(hostname);
    return this.names.some((name) => (name.startsWith('*.') ? host.endsWith(name.slice(1)) : host === name));
  }

  /** Throws a non-retryable `AGENT_REFUSED_ADDRESS` when `ip` may not be reached. */
  checkAddress(hostname: string, ip: string): void {
    if (this.policy.allowPrivate || this.hostAllowed(hostname)) return;
    const range = restrictedRange(ip);
    if (range === undefined || this.cidrs.some((cidr) => inCidr(ip, cidr))) return;
    const shown = bare(hostname) === ip ? ip : `${bare(hostname)} (${ip})`;
    throw new AgentError(
      'AGENT_REFUSED_ADDRESS',
      `refused to connect to ${shown}: a ${range} address. Agents reach only public addresses unless the operator allows more (CHAINMAIL_AGENT_ALLOWED_HOSTS=${bare(hostname)}, or CHAINMAIL_AGENT_ALLOW_PRIVATE=true)`,
      false,
    );
  }

  /** Checks a URL's host when it is an IP literal (connections to literals do not go through `lookup`). */
  checkLiteral(hostname: string): void {
    const host = bare(hostname);
    if (isIP(host) !== 0) this.checkAddress(host, host);
  }

  readonly lookup: ConnectLookup = (hostname, options, callback) => {
    const family =
      options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
    this.resolve(
      hostname,
      { all: true, family: family === 4 || family === 6 ? family : 0, hints: options.hints },
      (err, addresses) => {
        if (err) return callback(err, []);
        try {
          if (addresses.length === 0) throw new Error(`${hostname} resolved to no address`);
          // One refused address refuses the host: a name that mixes public and private answers is a trick.
          for (const a of addresses) this.checkAddress(hostname, a.address);
        } catch (refused) {
          return callback(refused as Error, []);
        }
        if (options.all) return callback(null, addresses);
        const first = addresses[0] as LookupAddress;
        callback(null, first.address, first.family);
      },
    );
  };
}

function bare(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/** The origins of endpoints the operator configured (CHAINMAIL_MODEL_URL), for `allowedOrigins`. */
export function operatorOrigins(urls: readonly (string | undefined)[]): string[] {
  return urls.flatMap((url) => {
    if (url === undefined) return [];
    try {
      return [new URL(url).origin];
    } catch {
      return [];
    }
  });
}
