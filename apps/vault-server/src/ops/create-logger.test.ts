import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';

describe('createLogger', () => {
  it('writes JSON lines with level names, and redacts secrets wherever a caller put them', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => void lines.push(line) }).child({
      component: 'test',
    });
    log.info(
      {
        password: 'hunter2hunter2',
        account: { passwordHash: 'scrypt$…', email: 'a@example.com' },
        answer: { mac: 'bWFj', csrfToken: 'csrf-value-1' },
        req: {
          headers: {
            cookie: '__Host-indicium-session=abc',
            'x-csrf-token': 'csrf-value-2',
            host: 'localhost',
          },
        },
        body: { anything: 'at all' },
      },
      'hello',
    );
    log.debug({}, 'not at info');
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? '';
    for (const secret of ['hunter2', 'scrypt$', 'bWFj', 'csrf-value', 'indicium-session=abc', 'at all']) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line)).toMatchObject({
      level: 'info',
      component: 'test',
      service: 'indicium-vault',
      msg: 'hello',
      account: { email: 'a@example.com', passwordHash: '[redacted]' },
      req: { headers: { host: 'localhost', cookie: '[redacted]' } },
    });
  });
});
