import { resolveSecretAt } from '../config/secret.js';
import { crypto } from '../lazy-crypto.js';
import { quoteForeign } from '../redact.js';
import { printable, printableLines } from '../text.js';
import { alertBody, alertTitle, expiryLine } from './message.js';
import type { EmailConfig } from './schemas.js';
import type { Alert, DeliveryResult, Notifier } from './types.js';

/**
 * The message's body: what happened, the expiry, then the remedy with each command on a line of
 * its own, indented, so that it can be copied whole; then the host.
 */
export function emailBody(alert: Alert): string {
  if (!alert.remedySteps?.length || alert.event === 'resolved') return alertBody(alert);
  const lines: string[] = [];
  if (alert.detail) lines.push(printable(alert.detail));
  const expiry = expiryLine(alert);
  if (expiry) lines.push(expiry);
  lines.push('', 'To fix it:');
  for (const step of alert.remedySteps) {
    if (step.say) lines.push(printableLines(step.say));
    for (const command of step.run) lines.push(`    ${printable(command)}`);
  }
  lines.push('', `Host: ${printable(alert.host)}`);
  return lines.join('\n').trim();
}

/** A domain part for message ids: the host's name as far as it is safe there. */
function idDomain(host: string): string {
  const safe = host.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  return safe ? `${safe}.authwatch` : 'authwatch';
}

/**
 * Threading by credential: every message about one credential refers to the same root id, so a
 * mail reader groups its firing, reminders and resolution; each event's own id is its event id,
 * the same on every retry, so a retried message is recognised as the same message.
 */
export function emailHeaders(alert: Alert): { messageId: string; inReplyTo: string; references: string } {
  const domain = idDomain(alert.host);
  const root = `<credential-${crypto().createHash('sha256').update(alert.credential.id).digest('hex').slice(0, 24)}@${domain}>`;
  return { messageId: `<${alert.id}@${domain}>`, inReplyTo: root, references: root };
}

/** An SMTP failure as a delivery result: 4xx and the network are retried, 5xx and refused sign-ins are not. */
export function smtpFailure(label: string, error: unknown): Extract<DeliveryResult, { ok: false }> {
  const e = error as { responseCode?: number; code?: string; message?: string; response?: string };
  const said = quoteForeign((e.response ?? e.message ?? String(error)).split('\n')[0] ?? '', 200);
  if (e.code === 'EAUTH') return { ok: false, retryable: false, message: `${label}: the server refused the sign-in (${said}) (not retried)` };
  if (typeof e.responseCode === 'number') {
    const retryable = e.responseCode < 500;
    return {
      ok: false,
      retryable,
      message: `${label}: the server answered ${said}${retryable ? '' : ' (not retried: fix the address or the notifier config)'}`,
    };
  }
  if (/certificate|self.signed|CERT_/i.test(said)) return { ok: false, retryable: false, message: `${label}: TLS: ${said} (not retried)` };
  return { ok: false, retryable: true, message: `${label}: ${said}` };
}

/** One message per alert over SMTP (nodemailer, loaded on the first send), always over TLS. */
export function createEmail(config: EmailConfig, env: Record<string, string | undefined>): Notifier {
  const username = config.username === undefined ? undefined : resolveSecretAt('username', config.username, env);
  const password = config.password === undefined ? undefined : resolveSecretAt('password', config.password, env);
  const name = config.name ?? 'email';
  const implicit = config.tls === 'implicit';
  const port = config.port ?? (implicit ? 465 : 587);
  const label = `email "${name}" (${config.host}:${port})`;
  return {
    name,
    type: 'email',
    timeoutMs: config.timeout,
    needs: { servers: [{ host: config.host, port }] },
    async send(alert, signal) {
      const { createTransport } = await import('nodemailer');
      const transport = createTransport({
        host: config.host,
        port,
        secure: implicit,
        // STARTTLS or nothing: the password and the alert never cross the network in the clear.
        requireTLS: !implicit,
        ...(username && password ? { auth: { user: username.reveal(), pass: password.reveal() } } : {}),
        connectionTimeout: config.timeout,
        greetingTimeout: config.timeout,
        socketTimeout: config.timeout,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      const abort = () => transport.close();
      signal.addEventListener('abort', abort, { once: true });
      try {
        await transport.sendMail({
          from: config.from,
          to: config.to,
          subject: alertTitle(alert),
          text: emailBody(alert),
          ...emailHeaders(alert),
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Authwatch-Event': alert.event, 'X-Authwatch-Credential': printable(alert.credential.id) },
        });
        return { ok: true };
      } catch (error) {
        if (signal.aborted) return { ok: false, retryable: true, message: `${label}: timed out` };
        return smtpFailure(label, error);
      } finally {
        signal.removeEventListener('abort', abort);
        transport.close();
      }
    },
  };
}
