import { FileNvmStore } from './file-nvm-store.js';
import { emptyNvmImage } from './nvm-image.js';

/**
 * The NVM crash test's child process (run with tsx): saves images numbered by their boot count, one
 * after another as fast as it can, continuing from what it loads, and prints each number on stdout
 * only after its save resolved. The parent SIGKILLs it mid-stream; the NVM must then load the last
 * number printed or the one after it (a save that finished but was not yet reported), never less.
 *
 * Usage: node --conditions=@indicium/source --import tsx save-stream.child.ts <nvm path> <storage key hex>
 */
const [path, keyHex] = process.argv.slice(2);
if (path === undefined || keyHex === undefined)
  throw new Error('usage: save-stream.child.ts <path> <key hex>');
const store = new FileNvmStore({
  path,
  storageKey: Buffer.from(keyHex, 'hex'),
  moduleSerial: 'CRASH-MODULE',
});
let n = (await store.load())?.bootCount ?? 0;
process.stdout.write('ready\n');
for (;;) {
  n += 1;
  await store.save({ ...emptyNvmImage(), persistentState: 'O', bootCount: n });
  process.stdout.write(`${n}\n`);
}
