import { parentPort, workerData } from 'node:worker_threads';
import { CryptoModule, FileNvmStore } from '@indicium/crypto-module';
import { IndiciumError } from '@indicium/protocol';
import { readStorageKey } from './module-files.js';
import { transferListOf } from './transfer-list.js';
import type { FromWorker, ModuleWorkerData, ToWorker } from './worker-messages.js';

/**
 * One crypto module in its own thread (DESIGN §6): boots `CryptoModule` over its NVM file and
 * serves `dispatch` requests from the pool. The module runs its commands one at a time; the
 * thread gives it its own event loop, so its RSA-3072 and ECDSA work never stalls the HTTP server.
 */
const port = parentPort;
if (port === null) throw new Error('module.worker.ts runs only as a worker thread');
const data = workerData as ModuleWorkerData;

function post(message: FromWorker): void {
  (port as NonNullable<typeof port>).postMessage(message, transferListOf(message));
}

try {
  const module = await CryptoModule.boot({
    nvm: new FileNvmStore({
      path: data.nvmPath,
      storageKey: await readStorageKey(data.storageKeyPath),
      moduleSerial: data.serial,
    }),
    clock: Date.now,
    moduleSerial: data.serial,
  });
  port.on('message', (message: ToWorker) => {
    // dispatch never rejects for a refusal; if it rejects, the module itself is broken: let the
    // rejection crash the thread so the pool fails the request and restarts the module over its NVM.
    void module
      .dispatch(message.request)
      .then((outcome) => post({ type: 'outcome', id: message.id, outcome }));
  });
  post({ type: 'ready' });
} catch (error) {
  // Stays inside this process (the pool logs it for the operator), so the detail may name paths.
  const code = error instanceof IndiciumError ? error.code : 'INTERNAL_ERROR';
  post({
    type: 'boot-failed',
    error: { code, detail: error instanceof Error ? error.message : String(error) },
  });
}
