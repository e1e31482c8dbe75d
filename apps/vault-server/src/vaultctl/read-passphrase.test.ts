import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { promptPassphrase, readLine } from './read-passphrase.js';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk, _e, done) {
        text += String(chunk);
        done();
      },
    }),
    text: () => text,
  };
}

describe('passphrase input', () => {
  it('reads the first line of standard input, and refuses an empty one', async () => {
    const input = new PassThrough();
    input.end('first line\nsecond\n');
    expect(await readLine(input)).toBe('first line');
    const empty = new PassThrough();
    empty.end();
    await expect(readLine(empty)).rejects.toMatchObject({ code: 'INVALID_FIELD', field: 'passphrase' });
  });

  it('asks on a terminal without echoing what is typed', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = sink();
    const answer = promptPassphrase('passphrase: ', input, output.stream);
    input.write('s3cret passphrase\n');
    expect(await answer).toBe('s3cret passphrase');
    expect(output.text()).toBe('passphrase: \n');
  });

  it('refuses to prompt when standard input is not a terminal', async () => {
    const input = new PassThrough();
    await expect(promptPassphrase('passphrase: ', input, sink().stream)).rejects.toMatchObject({
      code: 'INVALID_FIELD',
      field: 'passphrase',
    });
  });
});
