let systemCasTrusted = false;

/**
 * `wss://` without a pin: trust the system's CAs (a private CA installed on the host) as well as
 * Node's bundled ones, where Node can (22.19+, 24.5+; set once per process). Older Node trusts
 * its bundled CAs and NODE_EXTRA_CA_CERTS only (docs/remote.md).
 */
export function trustSystemCas(): void {
  if (systemCasTrusted) return;
  systemCasTrusted = true;
  const tls = process.getBuiltinModule('node:tls') as {
    getCACertificates?: (kind: 'default' | 'system') => string[];
    setDefaultCACertificates?: (certs: string[]) => void;
  };
  if (!tls.getCACertificates || !tls.setDefaultCACertificates) return;
  try {
    tls.setDefaultCACertificates([...new Set([...tls.getCACertificates('default'), ...tls.getCACertificates('system')])]);
  } catch {
    // An unreadable system store: Node's own CAs still apply.
  }
}
