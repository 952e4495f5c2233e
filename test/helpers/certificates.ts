import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A throwaway CA and a certificate signed by it for `subjectAltName` (`IP:10.0.0.2`,
 * `DNS:api.anthropic.com`), made with openssl as an admin would, in `dir`: a server certificate that
 * a client can trust by its CA (NODE_EXTRA_CA_CERTS), or pin. Valid for two days.
 */
export function throwawayCertificate(dir: string, subjectAltName: string): { caPath: string; certPath: string; keyPath: string } {
  const at = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=authwatch test CA');
  ssl('req', '-new', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', `/CN=${subjectAltName.replace(/^\w+:/, '')}`);
  writeFileSync(at('san.ext'), `subjectAltName=${subjectAltName}\n`);
  ssl(
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.pem'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-out',
    at('server.pem'),
    '-days',
    '2',
    '-extfile',
    at('san.ext'),
  );
  return { caPath: at('ca.pem'), certPath: at('server.pem'), keyPath: at('server.key') };
}
