import type { ModuleFailure, ModuleOutcome, ModuleRequest } from '@indicium/protocol';

/** What a module worker is started with (`workerData`): paths only, never key bytes. */
export interface ModuleWorkerData {
  readonly serial: string;
  readonly nvmPath: string;
  readonly storageKeyPath: string;
  /** file: URL of the TypeScript entry the bootstrap imports. */
  readonly entry: string;
}

/** Host → worker. */
export type ToWorker = { readonly type: 'dispatch'; readonly id: number; readonly request: ModuleRequest };

/** Worker → host. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'boot-failed'; readonly error: ModuleFailure }
  | { readonly type: 'outcome'; readonly id: number; readonly outcome: ModuleOutcome };
