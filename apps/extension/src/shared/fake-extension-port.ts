import type { PortSender } from '../background/page-sender.js';
import type { ExtensionPort } from './extension-port.js';

/**
 * A fake of the browser's `runtime.Port` (a boundary we do not own), for unit tests. Both ends of
 * one port: what our code posts lands in `sent`; `deliver` plays the other end; `closeFromPeer`
 * is the other end going away.
 */
export class FakeExtensionPort implements ExtensionPort {
  readonly name: string;
  readonly sender: PortSender | undefined;
  readonly sent: unknown[] = [];
  disconnected = false;
  readonly #messageListeners: ((message: unknown) => void)[] = [];
  readonly #disconnectListeners: (() => void)[] = [];

  constructor(name: string, sender?: PortSender) {
    this.name = name;
    this.sender = sender;
  }

  readonly onMessage = {
    addListener: (listener: (message: unknown) => void) => this.#messageListeners.push(listener),
  };
  readonly onDisconnect = { addListener: (listener: () => void) => this.#disconnectListeners.push(listener) };

  postMessage(message: unknown): void {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object');
    // Ports structured-clone what they carry: the receiver never shares objects with the sender.
    this.sent.push(structuredClone(message));
  }

  disconnect(): void {
    this.disconnected = true;
  }

  deliver(message: unknown): void {
    for (const listener of this.#messageListeners) listener(structuredClone(message));
  }

  closeFromPeer(): void {
    this.disconnected = true;
    for (const listener of this.#disconnectListeners) listener();
  }
}
