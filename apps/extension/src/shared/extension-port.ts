import type { PortSender } from '../background/page-sender.js';

/** The part of a `runtime.Port` between our own scripts that the handlers use. */
export interface ExtensionPort {
  readonly name: string;
  readonly sender?: PortSender | undefined;
  postMessage(message: unknown): void;
  disconnect(): void;
  readonly onMessage: { addListener(listener: (message: unknown) => void): void };
  readonly onDisconnect: { addListener(listener: () => void): void };
}
