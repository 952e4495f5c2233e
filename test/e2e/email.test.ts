import { afterEach, describe, expect } from 'vitest';
import { parseReport } from '../helpers/cli.js';
import { D, H, NOW, recordsBox } from '../helpers/records-box.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import { aiosmtpdPython, header, type SmtpServer, startSmtp } from '../helpers/smtp.js';
import { itIf } from '../helpers/tools.js';

const itWithSmtp = itIf(aiosmtpdPython !== undefined, 'aiosmtpd not found (Debian package: python3-aiosmtpd)');
const PASSWORD = 'smtp-pass-5b0c2f9e1d7a';
const servers: SmtpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(tls: 'starttls' | 'implicit') {
  const smtp = await startSmtp(tls, 'aw', PASSWORD);
  servers.push(smtp);
  const t = recordsBox(
    `remind: { warn: 1h, critical: 1h, expired: 1h }\ndelivery:\n  attempts: 3\n  backoff: 50ms\nnotifiers:\n  - type: email\n    host: 127.0.0.1\n    port: ${smtp.port}\n    tls: ${tls}\n    username: aw\n    password: env:SMTP_PASSWORD\n    from: authwatch@example.com\n    to: [ops@example.com, me@example.com]\n`,
  );
  Object.assign(t.box.env, { SMTP_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: smtp.caPath });
  return { smtp, t };
}

const TOKEN = { id: 'claude', provider: 'anthropic', type: 'token', expiresAt: NOW + 5 * H, remedy: 'Run: claude setup-token' };

describe('email notifier against a real SMTP server (aiosmtpd)', () => {
  itWithSmtp('STARTTLS and AUTH: one message per alert, the title as subject, threaded by credential', async () => {
    const { smtp, t } = await setup('starttls');
    t.serve([TOKEN]);
    const first = await t.run(['check', '--json']);
    expect(parseReport(first).notifications).toEqual([expect.objectContaining({ notifier: 'email', ok: true })]);
    await t.run(['check'], NOW + 1.5 * H);
    t.serve([{ ...TOKEN, expiresAt: NOW + 30 * D }]);
    await t.run(['check'], NOW + 2 * H);
    const [firing, reminder, resolved] = smtp.messages();
    expect(smtp.messages()).toHaveLength(3);
    expect(header(firing!, 'Subject')).toBe('[WARN] claude expires in 5h');
    expect(header(reminder!, 'Subject')).toBe('Reminder: [WARN] claude expires in 3h 30m');
    expect(header(resolved!, 'Subject')).toBe('[RESOLVED] claude is ok again');
    expect(header(firing!, 'From')).toBe('authwatch@example.com');
    expect(header(firing!, 'To')).toBe('ops@example.com, me@example.com');
    expect(header(firing!, 'Auto-Submitted')).toBe('auto-generated');
    // One thread per credential: each message refers to the same root, each has its own id.
    const ids = smtp.messages().map((m) => header(m, 'Message-ID'));
    expect(new Set(ids).size).toBe(3);
    const root = header(firing!, 'References');
    expect(root).toMatch(/^<credential-[0-9a-f]{24}@[a-z0-9.-]+\.authwatch>$/);
    for (const m of smtp.messages()) expect([header(m, 'In-Reply-To'), header(m, 'References')]).toEqual([root, root]);
    expect(firing).toContain('Content-Type: text/plain');
    expect(firing!.replace(/\r\n/g, '\n')).toContain('\n\nExpires: 2026-12-06 17:00 UTC\n\nTo fix it:\nRun: claude setup-token\n\nHost: ');
    expect(smtp.attempts().map((a) => [a.from, a.rcpt])).toEqual(Array(3).fill(['authwatch@example.com', ['ops@example.com', 'me@example.com']]));
    expectNoSecrets({ stdout: first.stdout, stderr: first.stderr, state: JSON.stringify(t.box.readState()) }, [PASSWORD]);
  });

  itWithSmtp('implicit TLS (SMTPS) delivers too', async () => {
    const { smtp, t } = await setup('implicit');
    t.serve([TOKEN]);
    expect(parseReport(await t.run(['check', '--json'])).notifications).toEqual([expect.objectContaining({ ok: true })]);
    expect(smtp.messages()).toHaveLength(1);
  });

  itWithSmtp('a 4xx is retried with the same Message-ID; a 5xx is not retried and not queued', async () => {
    const { smtp, t } = await setup('starttls');
    t.serve([TOKEN]);
    smtp.respond('451 4.3.0 Try again later');
    await t.run(['check', '--json']);
    const [refused, accepted] = smtp.attempts();
    expect(smtp.attempts()).toHaveLength(2);
    expect(refused!.reply).toMatch(/^451/);
    expect(accepted!.messageId).toBe(refused!.messageId);
    expect(smtp.messages()).toHaveLength(1);

    smtp.respond('550 5.1.1 No such mailbox');
    t.serve([{ ...TOKEN, expiresAt: NOW + H }]);
    const rejected = parseReport(await t.run(['check', '--json'], NOW + 1.5 * H));
    expect(rejected.notifications).toEqual([
      expect.objectContaining({
        ok: false,
        queued: false,
        message: `email "email" (127.0.0.1:${smtp.port}): the server answered 550 5.1.1 No such mailbox (not retried: fix the address or the notifier config)`,
      }),
    ]);
    expect(smtp.attempts()).toHaveLength(3);
  });

  itWithSmtp('a wrong password is refused once, not retried, and never shown', async () => {
    const { smtp, t } = await setup('starttls');
    t.box.env.SMTP_PASSWORD = 'wrong-password-0123';
    t.serve([TOKEN]);
    const result = await t.run(['check', '--json']);
    expect(parseReport(result).notifications).toEqual([
      expect.objectContaining({ ok: false, queued: false, message: expect.stringMatching(/the server refused the sign-in \(.*535.*\) \(not retried\)$/) }),
    ]);
    expect(smtp.attempts()).toEqual([]);
    expectNoSecrets({ stdout: result.stdout, stderr: result.stderr }, ['wrong-password-0123']);
  });
});
