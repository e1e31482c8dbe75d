import type { NativePort } from './native-port.js';

/**
 * A fake of the browser's native-messaging port (a boundary we do not own), for unit tests of the
 * companion link. The real companion host is exercised through Chromium in apps/extension/test.
 */
export class FakeNativePort implements NativePort {
  readonly sent: Record<string, unknown>[] = [];
  disconnected = false;
  error: { message?: string } | null = null;
  readonly #messageListeners: ((message: unknown) => void)[] = [];
  readonly #disconnectListeners: ((port: NativePort) => void)[] = [];

  readonly onMessage = {
    addListener: (listener: (message: unknown) => void) => this.#messageListeners.push(listener),
  };
  readonly onDisconnect = {
    addListener: (listener: (port: NativePort) => void) => this.#disconnectListeners.push(listener),
  };

  postMessage(message: unknown): void {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object');
    this.sent.push(structuredClone(message) as Record<string, unknown>);
  }

  disconnect(): void {
    this.disconnected = true;
  }

  /** The companion sends a frame. */
  deliver(message: unknown): void {
    for (const listener of this.#messageListeners) listener(structuredClone(message));
  }

  /** The companion exits, or the browser could not start it. */
  closeFromPeer(error?: string): void {
    this.disconnected = true;
    if (error !== undefined) this.error = { message: error };
    for (const listener of this.#disconnectListeners) listener(this);
  }

  /** Answers the hello as the companion does. */
  greet(version = '0.1.0', protocol = 1): void {
    this.deliver({ kind: 'hello', protocol, component: 'companion', version });
  }
}
